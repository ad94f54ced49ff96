package org.duplex.heartbeat.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.link.LinkConfig;

/** Parses the node-wide configuration (PID {@code org.duplex.heartbeat}) into {@link NodeSettings}. */
public final class NodeConfigParser {

    public static final String PID = "org.duplex.heartbeat";

    private NodeConfigParser() {
    }

    /**
     * @param props       the ConfigAdmin properties
     * @param etcDir      where the key lives by default (Karaf's etc)
     * @param dataDir     where the incarnation state lives by default (Karaf's data)
     * @param incarnation gives the next incarnation, from the path of its state file
     */
    public static NodeSettings parse(Map<String, ?> props, Path etcDir, Path dataDir,
            java.util.function.Function<Path, Long> incarnation) {
        String id = str(props, "node.id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException(PID + ": 'node.id' is not set: give this node its name, e.g."
                    + " node.id = node1");
        }
        String cluster = str(props, "cluster.name");
        if (cluster.isEmpty()) {
            throw new IllegalArgumentException(PID + ": 'cluster.name' is not set: the same name on every node");
        }
        String key = str(props, "key.file");
        Path keyFile = key.isEmpty() ? etcDir.resolve("duplex-cluster.key") : Path.of(key);
        String inc = str(props, "incarnation.file");
        Path incFile = inc.isEmpty() ? dataDir.resolve("duplex").resolve("heartbeat.incarnation") : Path.of(inc);
        Set<NodeId> peers = new LinkedHashSet<>();
        for (String p : LinkConfig.list(props, "peers")) {
            peers.add(NodeId.of(p));
        }
        List<Path> watch = LinkConfig.list(props, "watch.paths").stream().map(Path::of).toList();
        try {
            return new NodeSettings(NodeId.of(id), cluster, keyFile,
                    Duration.ofMillis(num(props, "initial.dead.ms", 10_000)), peers, incarnation.apply(incFile),
                    watch.isEmpty() ? List.of(Path.of("/")) : watch, Duration.ofMillis(num(props, "tick.ms", 50)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
    }

    private static String str(Map<String, ?> p, String key) {
        Object v = p.get(key);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        return v == null ? "" : v.toString().trim();
    }

    private static long num(Map<String, ?> p, String key, long dflt) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number of ms (got '" + v + "')");
        }
    }
}
