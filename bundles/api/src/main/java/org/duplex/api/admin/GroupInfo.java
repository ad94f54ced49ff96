package org.duplex.api.admin;

import java.util.List;
import java.util.Map;

/**
 * A resource group and where its resources are.
 *
 * @param id        group name
 * @param nodes     its node list, in order of preference
 * @param resources its resources, in start order
 * @param states    node to resource to state (running, starting, failed, ...) for resources not stopped
 * @param runningOn nodes where every resource of the group runs
 * @param blocked   why the policy engine blocks it now (empty when it does not)
 * @param placement the operator's placement, null when it has none (since 1.2); the engine treats its node as
 *                  first in {@code nodes}
 */
public record GroupInfo(String id, List<String> nodes, List<String> resources, Map<String, Map<String, String>> states,
                        List<String> runningOn, List<String> blocked, GroupPlacement placement) {

    /** Without a placement (the 1.1 shape). */
    public GroupInfo(String id, List<String> nodes, List<String> resources, Map<String, Map<String, String>> states,
                     List<String> runningOn, List<String> blocked) {
        this(id, nodes, resources, states, runningOn, blocked, null);
    }

    public GroupInfo {
        nodes = List.copyOf(nodes);
        resources = List.copyOf(resources);
        states = Map.copyOf(states);
        runningOn = List.copyOf(runningOn);
        blocked = List.copyOf(blocked);
    }
}
