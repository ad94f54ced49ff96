package org.duplex.api.admin;

import org.duplex.api.model.NodeMode;

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

    /**
     * Puts a node in any mode ({@code ha:node-standby}, {@code ha:node-online}, {@code ha:node-maintenance}):
     * MAINTENANCE leaves its resources alone, neither monitored nor moved, until the node is put ONLINE again.
     *
     * @return what happened, in the words the commands print
     * @throws AdminException unknown node (field {@code node}) or the cluster refused the change
     * @since 1.3
     */
    default String setMode(String node, NodeMode mode) throws AdminException {
        if (mode == NodeMode.MAINTENANCE) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "this node cannot set maintenance mode");
        }
        return setStandby(node, mode == NodeMode.STANDBY);
    }
}
