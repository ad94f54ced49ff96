package org.duplex.cluster.quorum;

/**
 * The result of one quorum evaluation, with a reason an operator can read.
 *
 * @param settling not quorate, but expected to be shortly with nobody else quorate meanwhile (the tiebreaker said
 *                 so): {@link org.duplex.api.cluster.QuorumState#settling()}
 */
public record QuorumDecision(boolean quorate, int votes, int expectedVotes, String reason, boolean settling) {

    public QuorumDecision(boolean quorate, int votes, int expectedVotes, String reason) {
        this(quorate, votes, expectedVotes, reason, false);
    }
}
