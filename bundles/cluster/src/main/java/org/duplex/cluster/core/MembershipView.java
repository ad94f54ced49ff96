package org.duplex.cluster.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.duplex.api.model.NodeId;

/** A membership view as the engine (JGroups or the simulator) delivered it. Same id = same view everywhere. */
public record MembershipView(String id, List<NodeId> members) {
    public MembershipView {
        Objects.requireNonNull(id, "id");
        members = List.copyOf(members);
    }

    public Set<NodeId> memberSet() {
        return new TreeSet<>(members);
    }

    public static MembershipView alone(NodeId self) {
        return new MembershipView("initial-" + self, List.of(self));
    }
}
