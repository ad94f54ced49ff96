package org.duplex.api.liveness;

/** The state of one heartbeat link towards one peer. */
public enum LinkState {
    /** Nothing heard yet. */
    UNKNOWN,
    UP,
    /** Late beyond the warn time but not yet dead. */
    LATE,
    DOWN
}
