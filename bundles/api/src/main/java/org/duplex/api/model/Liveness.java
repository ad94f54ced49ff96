package org.duplex.api.model;

/** What this node believes about a peer's life, from the heartbeat links and the membership view. */
public enum Liveness {
    /** Not heard from yet (for example during the initial dead time after a start). */
    UNKNOWN,
    /** Heard on every configured link. */
    ALIVE,
    /** Heard on some links, silent on others: a warning, never a reason to fail over. */
    SUSPECT,
    /** Heard on a redundant link (serial, disk) but missing from the membership view. */
    PARTITIONED,
    /** Silent on all links for the dead time. */
    DEAD;

    /** True when the peer may still be running resources, so nothing of it may be taken over. */
    public boolean mayBeRunning() {
        return this != DEAD;
    }
}
