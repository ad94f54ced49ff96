package org.duplex.api.admin;

import java.util.List;

/**
 * The cluster part of {@code ha:status}.
 *
 * @param clusterName   the cluster's name
 * @param localNode     the node answering
 * @param quorate       whether its partition has quorum
 * @param quorumReason  why (or why not)
 * @param votes         votes present
 * @param expectedVotes votes expected
 * @param coordinator   the coordinator's id, or null when there is none
 * @param epoch         the fencing epoch
 * @param configVersion the replicated configuration's version
 * @param tiebreaker    the tiebreaker's description
 * @param nodes         the configured nodes
 */
public record ClusterStatus(String clusterName, String localNode, boolean quorate, String quorumReason, int votes,
                            int expectedVotes, String coordinator, long epoch, long configVersion, String tiebreaker,
                            List<NodeInfo> nodes) {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
    }
}
