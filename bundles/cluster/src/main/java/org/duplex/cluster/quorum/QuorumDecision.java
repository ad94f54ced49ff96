package org.duplex.cluster.quorum;

/** The result of one quorum evaluation, with a reason an operator can read. */
public record QuorumDecision(boolean quorate, int votes, int expectedVotes, String reason) {
}
