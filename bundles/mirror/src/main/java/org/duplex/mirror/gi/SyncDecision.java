package org.duplex.mirror.gi;

/** What a connecting pair must do, from the local side's point of view. */
public enum SyncDecision {
    /** Same data (or both still empty): nothing to transfer. */
    NONE,
    /** Local is newer: send the regions in the union of both bitmaps. */
    SOURCE,
    /** Peer is newer: receive the regions in the union of both bitmaps. */
    TARGET,
    /** Local is newer but the peer's changes cannot be tracked: send everything. */
    FULL_SOURCE,
    /** Peer is newer and local changes cannot be tracked: receive everything. */
    FULL_TARGET,
    /** Both sides wrote independently since they last agreed. */
    SPLIT_BRAIN,
    /** No common history: different volumes, refuse. */
    UNRELATED,
    /**
     * The rules would make a leg that is not UpToDate the sync source (both legs Outdated or Inconsistent at the
     * same generation, or a non-UpToDate leg over an UpToDate one): refuse, an operator chooses.
     */
    NO_SAFE_SOURCE;

    public boolean isSource() {
        return this == SOURCE || this == FULL_SOURCE;
    }

    public boolean isTarget() {
        return this == TARGET || this == FULL_TARGET;
    }

    public boolean isFull() {
        return this == FULL_SOURCE || this == FULL_TARGET;
    }

    public SyncDecision mirrored() {
        switch (this) {
            case SOURCE: return TARGET;
            case TARGET: return SOURCE;
            case FULL_SOURCE: return FULL_TARGET;
            case FULL_TARGET: return FULL_SOURCE;
            default: return this;
        }
    }
}
