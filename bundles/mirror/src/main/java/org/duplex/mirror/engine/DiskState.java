package org.duplex.mirror.engine;

/** How trustworthy a leg's data is. */
public enum DiskState {
    /** Holds the newest data it knows of. */
    UP_TO_DATE,
    /** Being resynced (or never synced): must not be promoted or read from. */
    INCONSISTENT,
    /**
     * Was up to date, but its primary kept writing after the link was lost and had this leg marked (fencing):
     * must not be promoted (except with --force) until a resync from the primary.
     */
    OUTDATED,
    /** Unknown (the peer's disk while disconnected). */
    UNKNOWN
}
