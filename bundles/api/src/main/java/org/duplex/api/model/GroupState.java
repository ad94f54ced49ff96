package org.duplex.api.model;

/** Where a resource group stands in the cluster. */
public enum GroupState {
    STOPPED,
    STARTING,
    RUNNING,
    STOPPING,
    /** Moving from one node to another (stop on the old, start on the new). */
    MIGRATING,
    FAILED,
    /** The operator took it out of Duplex's hands: nothing is started, stopped or moved. */
    UNMANAGED
}
