package org.duplex.api.model;

/** The administrative mode an operator sets on a node. */
public enum NodeMode {
    /** Eligible to run resources. */
    ONLINE,
    /** Runs no resources; groups move away from it (like Pacemaker's standby). */
    STANDBY,
    /** Resources on it are left alone: neither monitored nor moved (for planned work on the node). */
    MAINTENANCE
}
