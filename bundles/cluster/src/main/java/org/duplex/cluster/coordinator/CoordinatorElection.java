package org.duplex.cluster.coordinator;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeRole;

/**
 * The deterministic coordinator choice: the lowest node id among the partition's members with role MEMBER
 * (a witness never coordinates). Every member of a view computes the same answer without talking.
 */
public final class CoordinatorElection {

    private CoordinatorElection() {
    }

    /** @param roles configured roles; a member missing from it is treated as a MEMBER */
    public static Optional<NodeId> choose(Collection<NodeId> members, Map<NodeId, NodeRole> roles) {
        return members.stream()
                .filter(n -> roles.getOrDefault(n, NodeRole.MEMBER) == NodeRole.MEMBER)
                .min(NodeId::compareTo);
    }
}
