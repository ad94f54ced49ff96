package org.duplex.cluster.quorum;

import java.util.Set;

import org.duplex.api.model.NodeId;

/**
 * Decides which side of a split two-node cluster keeps quorum. Implementations: a disk arbitration lease
 * (strong), a witness node (strong), a ping target (weak: both sides may reach it).
 */
public interface Tiebreaker {

    /**
     * Does periodic work (renewing a lease, pinging) and answers whether this node's partition may be quorate
     * by the tiebreaker now.
     *
     * @param partition the members of this node's current membership view (always contains this node)
     * @param nowNanos  this node's monotonic clock
     */
    Verdict evaluate(Set<NodeId> partition, long nowNanos);

    /** Answers from the last {@link #evaluate} state without doing I/O, re-checking time-bounded grants. */
    Verdict peek(Set<NodeId> partition, long nowNanos);

    String describe();

    /**
     * When {@link #evaluate} will next do its periodic I/O (a lease renewal or read), on the clock it is given;
     * {@link Long#MAX_VALUE} when it has none. A caller that ticks rarely while nothing moves aligns its tick to it
     * instead of ticking at a fraction of the period.
     */
    default long nextIoDueNanos() {
        return Long.MAX_VALUE;
    }

    /** Releases open files or sockets (the node is stopping). */
    default void close() {
    }

    /**
     * The node is about to leave the cluster on purpose (stopping, upgrading) while still in the view: a tiebreaker
     * this node holds is handed to a peer, which otherwise would count on it only after it expired (and, without
     * quorum meanwhile, stop its groups). Returns when the peer has taken it or after a bounded wait; never throws.
     */
    default void handOverBeforeLeaving() {
    }

    /** One line for ha:status: who holds the tiebreaker now as far as this node knows; empty if nothing to add. */
    default String status(long nowNanos) {
        return "";
    }

    /** The highest fencing epoch this tiebreaker has observed (the disk lease carries it across a split). */
    default long observedEpoch() {
        return 0;
    }

    /** Asks the tiebreaker to carry this epoch (a lease holder writes it with its next renewal). */
    default void publishEpoch(long epoch) {
    }

    /** True once the epoch is carried durably by the tiebreaker, so a taker on the other side will see it. */
    default boolean epochDurable(long epoch) {
        return true;
    }

    /**
     * @param settling only with a denial: this node holds the tiebreaker and will be granted shortly, with nobody
     *                 able to take it meanwhile (a lease holder waiting out an excluded peer after a view change)
     */
    record Verdict(boolean granted, String reason, boolean settling) {
        public Verdict {
            if (granted && settling) {
                throw new IllegalArgumentException("a granted verdict is not settling");
            }
        }

        public Verdict(boolean granted, String reason) {
            this(granted, reason, false);
        }

        public static Verdict grant(String reason) {
            return new Verdict(true, reason);
        }

        public static Verdict deny(String reason) {
            return new Verdict(false, reason);
        }

        /** Denied for now, but held here: see {@link org.duplex.api.cluster.QuorumState#settling()}. */
        public static Verdict settling(String reason) {
            return new Verdict(false, reason, true);
        }
    }

    /** No tiebreaker: two-node mode without one never grants a lone node quorum. */
    Tiebreaker NONE = new Tiebreaker() {
        @Override
        public Verdict evaluate(Set<NodeId> partition, long nowNanos) {
            return peek(partition, nowNanos);
        }

        @Override
        public Verdict peek(Set<NodeId> partition, long nowNanos) {
            return Verdict.deny("no tiebreaker configured");
        }

        @Override
        public String describe() {
            return "none";
        }
    };
}
