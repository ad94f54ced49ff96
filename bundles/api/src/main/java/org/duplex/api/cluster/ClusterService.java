package org.duplex.api.cluster;

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
}
