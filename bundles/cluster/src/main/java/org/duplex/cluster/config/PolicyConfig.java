package org.duplex.cluster.config;

import org.duplex.cluster.quorum.NoQuorumPolicy;

/**
 * Cluster-wide policies.
 *
 * @param noQuorum           what nodes do without quorum (default stop)
 * @param stickiness         preference for staying on the current node (Pacemaker's resource-stickiness)
 * @param migrationThreshold failures on a node before a group moves away (0 = never)
 */
public record PolicyConfig(NoQuorumPolicy noQuorum, Integer stickiness, Integer migrationThreshold) {
    public static final PolicyConfig DEFAULTS = new PolicyConfig(NoQuorumPolicy.STOP, 100, 3);

    public PolicyConfig {
        noQuorum = noQuorum == null ? NoQuorumPolicy.STOP : noQuorum;
        stickiness = stickiness == null ? 100 : stickiness;
        migrationThreshold = migrationThreshold == null ? 3 : migrationThreshold;
    }
}
