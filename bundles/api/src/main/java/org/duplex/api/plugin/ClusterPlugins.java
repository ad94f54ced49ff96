package org.duplex.api.plugin;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.duplex.api.model.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster's plug-in set and every node's report about it. Provided by the cluster bundle: the set lives in
 * the replicated cluster configuration (so a node that joins or restarts later reads it too), the reports travel
 * over the cluster's messaging.
 */
@ProviderType
public interface ClusterPlugins {

    /** The set in this node's copy of the replicated configuration. */
    PluginSet wanted();

    /**
     * Replaces the set if the configuration still has {@code expected} (compare-and-set) and this partition is
     * quorate; returns once the change is committed, with the committed set.
     *
     * @throws IOException with an operator-ready reason (no quorum, changed meanwhile, not committed in time)
     */
    PluginSet save(PluginSet expected, Set<String> names) throws IOException;

    /**
     * Called with the set of every newer configuration version, changed or not (a node's report says which version
     * it has applied, so it moves on with every version); returns a handle that removes the listener.
     */
    AutoCloseable addListener(Consumer<PluginSet> listener);

    /** Tells every member (and this node) about this node's plug-ins; repeated to nodes that join later. */
    void publish(NodePlugins report);

    /** The latest report of every node in the current view that has reported, this node included. */
    Map<NodeId, NodePlugins> reports();
}
