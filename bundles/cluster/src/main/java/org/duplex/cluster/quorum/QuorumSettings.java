package org.duplex.cluster.quorum;

import java.util.Objects;

/**
 * votequorum-style settings.
 *
 * @param expectedVotes votes the cluster expects; 0 means "the sum of the configured nodes' votes"
 * @param twoNode       two-node mode: with both nodes present the cluster is quorate; alone, a node needs the
 *                      tiebreaker
 * @param waitForAll    on cold start, do not become quorate before every configured node was seen once
 * @param noQuorumPolicy what to do with resources without quorum
 */
public record QuorumSettings(int expectedVotes, boolean twoNode, boolean waitForAll, NoQuorumPolicy noQuorumPolicy) {

    public QuorumSettings {
        if (expectedVotes < 0) {
            throw new IllegalArgumentException("expected votes must not be negative, was " + expectedVotes);
        }
        Objects.requireNonNull(noQuorumPolicy, "noQuorumPolicy");
    }

    public static QuorumSettings majority() {
        return new QuorumSettings(0, false, false, NoQuorumPolicy.STOP);
    }
}
