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
 * @param settling    only when not quorate: this partition is expected to regain quorum shortly without anyone
 *                    else having it meanwhile (the two-node lease holder waiting out an excluded peer after a view
 *                    change). Keep what runs here, start nothing new: applying the no-quorum policy would stop
 *                    the services for nothing.
 */
public record QuorumState(NodeId localNode, boolean quorate, Optional<NodeId> coordinator, FencingEpoch epoch,
                          Set<NodeId> members, int votes, int expectedVotes, String reason, boolean settling) {

    public QuorumState(NodeId localNode, boolean quorate, Optional<NodeId> coordinator, FencingEpoch epoch,
                       Set<NodeId> members, int votes, int expectedVotes, String reason) {
        this(localNode, quorate, coordinator, epoch, members, votes, expectedVotes, reason, false);
    }

    public QuorumState {
        Objects.requireNonNull(localNode, "localNode");
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(epoch, "epoch");
        members = Set.copyOf(Objects.requireNonNull(members, "members"));
        Objects.requireNonNull(reason, "reason");
        if (!quorate && coordinator.isPresent()) {
            throw new IllegalArgumentException("a partition without quorum has no coordinator");
        }
        if (quorate && settling) {
            throw new IllegalArgumentException("a quorate partition is not settling");
        }
    }

    public boolean isCoordinator() {
        return quorate && coordinator.filter(localNode::equals).isPresent();
    }
}
