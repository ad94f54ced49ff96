package org.duplex.cluster.quorum;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.NodeId;

/**
 * votequorum's arithmetic as a pure function: votes present in the view, expected votes, majority, two-node
 * mode with a tiebreaker, wait_for_all on cold start.
 */
public final class QuorumCalculator {

    private QuorumCalculator() {
    }

    /**
     * @param voters          configured nodes (id to votes/role)
     * @param settings        quorum settings
     * @param partition       members of this node's current view
     * @param waitingForAll   true while wait_for_all still holds this node back (cold start, not all seen yet)
     * @param tiebreaker      the tiebreaker's verdict for this partition (only consulted in two-node mode)
     */
    public static QuorumDecision evaluate(Map<NodeId, VoterInfo> voters, QuorumSettings settings,
                                          Set<NodeId> partition, boolean waitingForAll,
                                          Tiebreaker.Verdict tiebreaker) {
        Objects.requireNonNull(tiebreaker, "tiebreaker");
        int configured = voters.values().stream().mapToInt(VoterInfo::votes).sum();
        int present = partition.stream().map(voters::get).filter(Objects::nonNull).mapToInt(VoterInfo::votes).sum();
        int expected = Math.max(settings.expectedVotes() == 0 ? configured : settings.expectedVotes(), present);
        if (expected == 0) {
            return new QuorumDecision(false, present, expected, "no votes configured");
        }
        if (waitingForAll) {
            return new QuorumDecision(false, present, expected,
                    "wait_for_all: waiting to see all " + voters.size() + " nodes once after cold start");
        }
        if (settings.twoNode()) {
            // Both nodes present is not enough on its own: a frozen node resuming with a stale two-node view
            // would act beside a peer that took over, so the tiebreaker has the last word in every view.
            if (tiebreaker.granted()) {
                return new QuorumDecision(true, present, expected,
                        present + " of " + expected + " votes, tiebreaker: " + tiebreaker.reason());
            }
            return new QuorumDecision(false, present, expected,
                    present + " of " + expected + " votes, tiebreaker refused: " + tiebreaker.reason()
                            + (tiebreaker.settling() ? " (settling: running groups are kept)" : ""),
                    tiebreaker.settling());
        }
        int needed = expected / 2 + 1;
        boolean quorate = present >= needed;
        return new QuorumDecision(quorate, present, expected,
                present + " of " + expected + " votes (" + needed + " needed)");
    }
}
