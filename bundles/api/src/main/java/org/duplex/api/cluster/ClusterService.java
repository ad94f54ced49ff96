package org.duplex.api.cluster;

import java.util.Map;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The local node's view of the cluster, provided by the cluster bundle as an OSGi service.
 * Anything that takes exclusive ownership asks it for quorum and the current epoch first.
 */
@ProviderType
public interface ClusterService {

    QuorumState state();

    /** Registers a listener called on every change of {@link #state()}; returns a handle that removes it. */
    AutoCloseable addListener(QuorumListener listener);

    /**
     * Node modes set by the operator in the replicated configuration ({@code ha:node-standby}, maintenance);
     * nodes not listed are {@link NodeMode#ONLINE}. Read it at every decision: a change does not fire the
     * quorum listeners.
     */
    default Map<NodeId, NodeMode> nodeModes() {
        return Map.of();
    }
}
