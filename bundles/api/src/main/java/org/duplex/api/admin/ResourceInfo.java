package org.duplex.api.admin;

import java.util.Map;

/**
 * A configured resource.
 *
 * @param id           resource name
 * @param type         agent type
 * @param group        its group, or null
 * @param params       its parameters
 * @param agentPresent whether this node has an agent of its type
 * @param states       node to state, for nodes where it is not stopped
 * @param failures     node to failure count, for nodes with failures
 */
public record ResourceInfo(String id, String type, String group, Map<String, String> params, boolean agentPresent,
                           Map<String, String> states, Map<String, Integer> failures) {

    public ResourceInfo {
        params = Map.copyOf(params);
        states = Map.copyOf(states);
        failures = Map.copyOf(failures);
    }
}
