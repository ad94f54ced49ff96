package org.duplex.api.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Resources that move together: started in list order, stopped in reverse, placed on the first live node of
 * an ordered priority list.
 *
 * @param id        unique name in the cluster
 * @param resources members in start order
 * @param nodes     nodes allowed to run the group, most preferred first
 */
public record ResourceGroup(ResourceId id, List<ResourceId> resources, List<NodeId> nodes) {

    public ResourceGroup {
        Objects.requireNonNull(id, "id");
        resources = List.copyOf(Objects.requireNonNull(resources, "resources"));
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("group " + id + ": needs at least one resource");
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("group " + id + ": needs at least one node in its priority list");
        }
        if (new HashSet<>(resources).size() != resources.size()) {
            throw new IllegalArgumentException("group " + id + ": a resource is listed twice in " + resources);
        }
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("group " + id + ": a node is listed twice in " + nodes);
        }
    }

    /** Members in stop order (the reverse of start order). */
    public List<ResourceId> stopOrder() {
        List<ResourceId> reversed = new java.util.ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        return List.copyOf(reversed);
    }
}
