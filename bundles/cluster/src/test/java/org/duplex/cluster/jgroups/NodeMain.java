package org.duplex.cluster.jgroups;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.duplex.api.cluster.QuorumState;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.runtime.ClusterNode;
import org.duplex.cluster.runtime.NodeOptions;

/**
 * A cluster node in its own JVM, for the real-process tests and the benchmark. Arguments are key=value; it prints
 * one "STATE ..." line on every change and obeys "cut", "heal", "status", "lease" (prints the lease holder),
 * "weight N" (its tiebreaker weight, default {@code tiebreaker.weight=0}) and "quit" on stdin.
 */
public final class NodeMain {

    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        NodeOptions o = options(a);
        // what the failover bundle would register as TiebreakerWeight; "weight N" on stdin changes it
        AtomicInteger weight = new AtomicInteger(Integer.parseInt(a.getOrDefault("tiebreaker.weight", "0")));
        ClusterNode node = new ClusterNode(o, ClusterNode.DEFAULT_EXECUTION_TIMEOUT, weight::get);
        node.addListener((before, now) -> print(now, o));
        node.start();
        System.out.println("STARTED " + o.nodeId());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "cut" -> {
                    node.cutNetwork(true);
                    System.out.println("CUT");
                }
                case "heal" -> {
                    node.cutNetwork(false);
                    System.out.println("HEALED");
                }
                case "status" -> print(node.state(), o);
                case "lease" -> System.out.println("LEASE " + node.tiebreakerStatus());
                case "quit" -> {
                    node.close();
                    System.exit(0);
                }
                default -> {
                    if (line.trim().startsWith("weight ")) {
                        weight.set(Integer.parseInt(line.trim().substring("weight ".length())));
                        System.out.println("WEIGHT " + weight.get());
                    } else {
                        System.out.println("UNKNOWN " + line);
                    }
                }
            }
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    static synchronized void print(QuorumState s, NodeOptions o) {
        System.out.println("STATE node=" + s.localNode() + " t=" + System.nanoTime() + " quorate=" + s.quorate()
                + " coordinator=" + s.coordinator().map(Object::toString).orElse("-") + " epoch=" + s.epoch().value()
                + " members=" + String.join(",", new TreeSet<>(s.members().stream().map(Object::toString).toList()))
                + " votes=" + s.votes() + "/" + s.expectedVotes()
                + (s.quorate() ? "" : " policy=" + o.noQuorumPolicy()) + " reason=" + s.reason());
        System.out.flush();
    }

    static NodeOptions options(Map<String, String> a) {
        return new NodeOptions(a.get("node.id"), a.getOrDefault("cluster.name", "test"),
                a.getOrDefault("bind.address", "127.0.0.1"), Integer.parseInt(a.getOrDefault("bind.port", "0")),
                a.get("members"), Integer.parseInt(a.getOrDefault("expected.votes", "0")),
                Boolean.parseBoolean(a.getOrDefault("two_node", "false")),
                Boolean.parseBoolean(a.getOrDefault("wait_for_all", "false")),
                NoQuorumPolicy.parse(a.getOrDefault("no_quorum_policy", "stop")),
                a.getOrDefault("tiebreaker.type", "none"), a.get("tiebreaker.disk.path"),
                Long.parseLong(a.getOrDefault("tiebreaker.disk.offset", "0")),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("tiebreaker.disk.renew.ms", "200"))),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("tiebreaker.disk.lease.ms", "2000"))),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("tiebreaker.disk.margin.ms", "500"))),
                a.get("tiebreaker.witness"), a.get("tiebreaker.ping.target"), Path.of(a.get("state.dir")),
                Path.of(a.get("cluster.key.file")),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("fd.timeout.ms", "1000"))),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("fd.backstop.ms", a.getOrDefault("fd.timeout.ms", "1000")))),
                Integer.parseInt(a.getOrDefault("fd.sock.offset", "100")),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("tick.ms", "50"))), true, false);
    }
}
