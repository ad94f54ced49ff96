package org.duplex.api.admin;

/** The cluster bundle's administrative side: what {@code ha:status} shows and {@code ha:node-standby/online} do. */
public interface ClusterAdmin {

    /** @throws IllegalStateException the cluster node is not running */
    ClusterStatus status();

    /**
     * Puts a node in STANDBY ({@code standby = true}) or back ONLINE through the replicated configuration.
     *
     * @return what happened, in the words {@code ha:node-standby} prints
     * @throws AdminException unknown node (field {@code node}) or the cluster refused the change
     */
    String setStandby(String node, boolean standby) throws AdminException;
}
