package org.duplex.cluster.config;

import java.util.List;

/** A resource group: resources in start order and the nodes allowed to run it, most preferred first. */
public record GroupConfig(String id, List<String> resources, List<String> nodes) {
    public GroupConfig {
        resources = resources == null ? List.of() : List.copyOf(resources);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }
}
