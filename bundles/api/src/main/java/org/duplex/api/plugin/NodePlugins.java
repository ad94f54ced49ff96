package org.duplex.api.plugin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.duplex.api.model.NodeId;

/**
 * What one node reports after reconciling its installed plug-ins with the cluster's set.
 *
 * @param node    the reporting node
 * @param applied the {@link PluginSet#version()} of the set this node has finished working on
 * @param plugins the state of every plug-in the set names, and of every other plug-in feature installed there
 * @param at      when the node made the report (its clock)
 */
public record NodePlugins(NodeId node, long applied, Map<String, PluginState> plugins, Instant at) {

    public NodePlugins {
        Objects.requireNonNull(node, "node");
        plugins = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(plugins, "plugins")));
        Objects.requireNonNull(at, "at");
    }

    /** The state of {@code name} here ({@link PluginState.Status#ABSENT} when not listed). */
    public PluginState state(String name) {
        PluginState s = plugins.get(name);
        return s != null ? s : new PluginState(name, PluginState.Status.ABSENT, "");
    }
}
