package org.duplex.mirror.engine;

/** How trustworthy a leg's data is. */
public enum DiskState {
    /** Holds the newest data it knows of. */
    UP_TO_DATE,
    /** Being resynced (or never synced): must not be promoted or read from. */
    INCONSISTENT,
    /** Unknown (the peer's disk while disconnected). */
    UNKNOWN
}
