package org.duplex.api.admin;

import java.util.List;

/**
 * The outcome of {@link PluginAdmin#install} or {@link PluginAdmin#remove}: the set was changed; the nodes report.
 *
 * @param plugin    the feature name
 * @param operation {@code install} or {@code remove}
 * @param version   the configuration version that carries the changed set
 * @param allOk     whether every node did it within the time given
 * @param summary   one line naming the nodes that did not
 * @param nodes     one line per node
 */
public record PluginChange(String plugin, String operation, long version, boolean allOk, String summary,
                           List<PluginNodeState> nodes) {

    public PluginChange {
        nodes = List.copyOf(nodes);
    }
}
