package org.duplex.cluster.config;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A resource group: resources in start order and the nodes allowed to run it, most preferred first.
 *
 * @param policy the group's failover policy in the failover bundle's key=value words (stickiness, failback,
 *               migration-threshold, failure-timeout, on-fail, priority, with, apart, prefer-apart, managed); empty
 *               = the cluster-wide {@link PolicyConfig} values and the failover defaults. Omitted from files and
 *               the wire when empty, so configurations without it read and write as before.
 */
public record GroupConfig(String id, List<String> resources, List<String> nodes,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> policy) {
    public GroupConfig {
        resources = resources == null ? List.of() : List.copyOf(resources);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        policy = policy == null ? Map.of() : Map.copyOf(policy);
    }

    public GroupConfig(String id, List<String> resources, List<String> nodes) {
        this(id, resources, nodes, Map.of());
    }
}
