package org.duplex.mirror.gi;

/** How trustworthy a leg's data is. */
public enum DiskState {
    /** Holds the newest data it knows of. */
    UP_TO_DATE,
    /** Being resynced (or never synced): must not be promoted or read from. */
    INCONSISTENT,
    /**
     * Was up to date but may lack acknowledged writes: its primary kept writing after the link was lost and had
     * this leg marked (fencing), or this leg stopped uncleanly while receiving writes it had acknowledged before
     * forcing them. Must not be promoted (except with --force) nor be a sync source until a resync from an
     * UpToDate peer.
     */
    OUTDATED,
    /** Unknown (the peer's disk while disconnected). */
    UNKNOWN
}
