package org.duplex.failover.model;

/** What happens to a group when one of its resources fails on a node (a failed start or monitor). */
public enum OnFail {
    /** Restart the group on the same node until the migration threshold is reached, then move it. */
    RESTART,
    /** Move the group to the next node at once (the failing node is banned until the failure expires). */
    MOVE,
    /** Stop the group and leave it stopped until the operator cleans the failure up (failure-timeout ignored). */
    STOP,
    /** Fence (reboot) the node, then start the group elsewhere: "restart the server". */
    FENCE,
    /**
     * Touch nothing: the group is neither stopped, restarted nor moved while it may run on the node where a
     * member failed, until the operator cleans the failure up (failure-timeout ignored).
     */
    BLOCK
}
