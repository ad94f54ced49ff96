package org.duplex.cluster.tiebreaker;

import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.quorum.Tiebreaker;

/**
 * A witness: a third Duplex node (role WITNESS, runs no resources) on any machine. The side of a split that
 * still sees the witness in its membership view keeps quorum; both members together also do. Strong, because
 * the membership view is a partition: the witness is in at most one of them.
 */
public final class WitnessTiebreaker implements Tiebreaker {

    private final NodeId witness;
    private final Set<NodeId> members;

    /** @param members the two MEMBER nodes */
    public WitnessTiebreaker(NodeId witness, Set<NodeId> members) {
        this.witness = Objects.requireNonNull(witness, "witness");
        this.members = Set.copyOf(members);
    }

    @Override
    public Verdict evaluate(Set<NodeId> partition, long nowNanos) {
        return peek(partition, nowNanos);
    }

    @Override
    public Verdict peek(Set<NodeId> partition, long nowNanos) {
        if (partition.contains(witness)) {
            return Verdict.grant("witness " + witness + " is in this partition");
        }
        if (partition.containsAll(members)) {
            return Verdict.grant("both members present");
        }
        return Verdict.deny("witness " + witness + " is not in this partition");
    }

    @Override
    public String describe() {
        return "witness " + witness;
    }
}
