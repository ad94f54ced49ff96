package org.duplex.api.admin;

import java.util.List;

/**
 * {@code ha:plugin-list} as a value.
 *
 * @param version          the cluster configuration version of the set
 * @param wanted           the cluster's plug-in set (feature names), sorted
 * @param states           one line per plug-in and node: every plug-in of the set on every configured node, and
 *                         plug-ins outside the set where a node reports them installed or failed
 * @param available        plug-in features this node's feature repositories offer that are not in the set
 * @param availableProblem why {@code available} could not be read (empty when it could)
 */
public record PluginOverview(long version, List<String> wanted, List<PluginNodeState> states, List<String> available,
                             String availableProblem) {

    public PluginOverview {
        wanted = List.copyOf(wanted);
        states = List.copyOf(states);
        available = List.copyOf(available);
        availableProblem = availableProblem == null ? "" : availableProblem;
    }
}
