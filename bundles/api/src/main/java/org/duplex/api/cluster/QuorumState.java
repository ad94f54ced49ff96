package org.duplex.api.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.model.NodeId;

/**
 * A snapshot of the cluster as the local node sees it.
 *
 * @param localNode   this node
 * @param quorate     true when this node's partition holds quorum (and may act)
 * @param coordinator the coordinator of the quorate partition, if this node is in it
 * @param epoch       the newest fencing epoch this node knows
 * @param members     the nodes in this node's current membership view
 * @param votes       votes present in this partition
 * @param expectedVotes votes the configuration expects
 * @param reason      why quorum is held or lost ("2 of 3 votes", "disk lease held", "waiting for all nodes")
 */
public record QuorumState(NodeId localNode, boolean quorate, Optional<NodeId> coordinator, FencingEpoch epoch,
                          Set<NodeId> members, int votes, int expectedVotes, String reason) {

    public QuorumState {
        Objects.requireNonNull(localNode, "localNode");
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(epoch, "epoch");
        members = Set.copyOf(Objects.requireNonNull(members, "members"));
        Objects.requireNonNull(reason, "reason");
        if (!quorate && coordinator.isPresent()) {
            throw new IllegalArgumentException("a partition without quorum has no coordinator");
        }
    }

    public boolean isCoordinator() {
        return quorate && coordinator.filter(localNode::equals).isPresent();
    }
}
