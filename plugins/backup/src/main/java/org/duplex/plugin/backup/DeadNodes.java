package org.duplex.plugin.backup;

import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.duplex.api.admin.ClusterStatus;
import org.duplex.api.admin.NodeInfo;

/**
 * Is the OS host that holds a repository lock a cluster node that is certainly gone? True only for a node this
 * node's membership has dropped (not in the view) AND its heartbeat declares DEAD: a PARTITIONED or UNKNOWN node may
 * still run restic, and so may a host that is no cluster node at all. Without a cluster service: never.
 */
final class DeadNodes implements Predicate<String> {

    private final Map<String, String> hostToNode;
    private final Supplier<ClusterStatus> status;

    /** @param hostToNode OS host name to node id, for hosts whose name is not the node id */
    DeadNodes(Map<String, String> hostToNode, Supplier<ClusterStatus> status) {
        this.hostToNode = Map.copyOf(hostToNode);
        this.status = status;
    }

    @Override
    public boolean test(String hostname) {
        ClusterStatus s = status.get();
        if (s == null || hostname == null || hostname.isEmpty()) {
            return false;
        }
        String node = hostToNode.getOrDefault(hostname, hostname);
        String shortName = node.contains(".") ? node.substring(0, node.indexOf('.')) : node;
        if (shortName.equals(s.localNode())) {
            return false;
        }
        for (NodeInfo n : s.nodes()) {
            if (n.id().equals(node) || n.id().equals(shortName)) {
                return !n.inView() && "DEAD".equals(n.liveness());
            }
        }
        return false;
    }
}
