package org.duplex.api.model;

/** The state of one resource on one node, as its agent last reported it. */
public enum ResourceState {
    UNKNOWN,
    STOPPED,
    STARTING,
    RUNNING,
    /**
     * A promotable resource running as a standby that follows the primary: it serves no clients and does not
     * make its group active on that node (the primary is {@link #RUNNING}).
     */
    STANDBY,
    STOPPING,
    /** The monitor or an operation failed; the policy decides between restart and move. */
    FAILED,
    /** A stop could not be confirmed: the resource may still be running and must not start elsewhere. */
    BLOCKED
}
