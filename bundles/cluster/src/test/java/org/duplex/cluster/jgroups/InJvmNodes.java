package org.duplex.cluster.jgroups;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.duplex.cluster.runtime.ClusterNode;

/** Real cluster nodes in this JVM on loopback JGroups (test hooks on), state under one directory, closed together. */
final class InJvmNodes implements AutoCloseable {

    private final Path dir;
    private final List<ClusterNode> nodes = new CopyOnWriteArrayList<>();

    InJvmNodes(Path dir) {
        this.dir = dir;
    }

    /** Starts node {@code id}; {@code extra} overrides any NodeMain option (e.g. fd.timeout.ms). */
    ClusterNode start(String id, int port, String members, Map<String, String> extra) throws Exception {
        Map<String, String> a = new HashMap<>();
        a.put("node.id", id);
        a.put("bind.port", Integer.toString(port));
        a.put("members", members);
        a.put("state.dir", dir.resolve(id).toString());
        a.put("cluster.key.file", dir.resolve("cluster.key").toString());
        a.putAll(extra);
        ClusterNode n = new ClusterNode(NodeMain.options(a), Duration.ofSeconds(3));
        nodes.add(n);
        n.start();
        return n;
    }

    List<ClusterNode> all() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        nodes.forEach(ClusterNode::close);
    }
}
