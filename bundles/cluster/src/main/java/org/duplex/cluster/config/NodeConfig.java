package org.duplex.cluster.config;

import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;

/**
 * One node of the cluster configuration. Missing fields take defaults (role MEMBER, 1 vote, mode ONLINE).
 *
 * @param address host:port of its cluster transport (optional; informative for other nodes)
 */
public record NodeConfig(String id, NodeRole role, Integer votes, NodeMode mode, String address) {

    public NodeConfig {
        role = role == null ? NodeRole.MEMBER : role;
        votes = votes == null ? 1 : votes;
        mode = mode == null ? NodeMode.ONLINE : mode;
    }

    public static NodeConfig member(String id) {
        return new NodeConfig(id, NodeRole.MEMBER, 1, NodeMode.ONLINE, null);
    }

    public NodeConfig withMode(NodeMode newMode) {
        return new NodeConfig(id, role, votes, newMode, address);
    }
}
