package org.duplex.api.fence;

/** What a fencing agent is asked to do to a node. */
public enum FenceOperation {
    /** Power the node off (or cut it off) and confirm it: the only operation the cluster's fencing uses. */
    OFF,
    /** Power it on again (operator only). */
    ON,
    /** Say whether it is powered on. */
    STATUS
}
