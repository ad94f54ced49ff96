package org.duplex.cluster.documents;

import java.util.function.Consumer;

import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.core.ProposeResult;

/** The replicated cluster configuration as the document and plug-in stores need it (a running node, or a test double). */
public interface ReplicatedConfig {

    ClusterConfig config();

    /**
     * Applies a change cluster-wide if this partition is quorate and the configuration is still at
     * {@code baseVersion} (see ClusterCore#propose(ClusterConfig, long)).
     */
    ProposeResult propose(ClusterConfig candidate, long baseVersion);

    /** Called (from the node's tick thread) with every newer configuration; returns a handle that removes it. */
    AutoCloseable addConfigListener(Consumer<ClusterConfig> listener);
}
