package org.duplex.cluster.jgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.cluster.runtime.ClusterNode;

/**
 * Benchmark (not a test): two cluster nodes in one JVM on loopback. (1) Round trip of an order from the
 * coordinator to the other node's executor stub (answers at once) and its report; (2) time from a failover
 * configuration save on the non-coordinator until the coordinator's store shows it. Usage: ExecutionBench ORDERS
 * SAVES
 */
public final class ExecutionBench {

    private ExecutionBench() {
    }

    public static void main(String[] args) throws Exception {
        int orders = Integer.parseInt(args[0]);
        int saves = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("duplex-exec-bench");
        ProcessCluster ports = new ProcessCluster(dir);
        String members = ports.members(2, null);
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Map<String, String> a = new HashMap<>();
                a.put("node.id", "n" + (i + 1));
                a.put("bind.port", Integer.toString(ports.port(i)));
                a.put("members", members);
                a.put("state.dir", dir.resolve("n" + (i + 1)).toString());
                a.put("cluster.key.file", dir.resolve("cluster.key").toString());
                ClusterNode n = new ClusterNode(NodeMain.options(a), Duration.ofSeconds(5));
                nodes.add(n);
                n.start();
            }
            ClusterNode n1 = nodes.get(0);
            ClusterNode n2 = nodes.get(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(n1.state().quorate() && n2.state().quorate() && n1.coordinator().isPresent()
                    && n1.coordinator().equals(n2.coordinator()) && n1.state().epoch().equals(n2.state().epoch()))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no quorate two-node cluster within 30 s");
                }
                Thread.sleep(20);
            }
            n2.executionChannel().serve(c -> CompletableFuture.completedFuture(new ResourceReport(NodeId.of("n2"),
                    c.resource(), c.group(), "start", OperationResult.success("stub", Duration.ZERO),
                    ResourceState.RUNNING, false, Instant.now())));
            FencingEpoch epoch = n1.state().epoch();
            List<Double> rtt = new ArrayList<>();
            for (int i = 0; i < orders + 50; i++) {
                long t0 = System.nanoTime();
                n1.executionChannel().send(NodeId.of("n2"), new ResourceCommand(ResourceCommand.Kind.START,
                        ResourceId.of("vip"), Optional.empty(), epoch, "bench")).get(5, TimeUnit.SECONDS);
                if (i >= 50) { // the first 50 warm the JIT and the connections
                    rtt.add((System.nanoTime() - t0) / 1e6);
                }
            }
            result("order round trip n1 -> n2 -> n1", rtt);
            List<Double> prop = new ArrayList<>();
            for (int i = 0; i < saves; i++) {
                String doc = org.duplex.api.cluster.ReplicatedDocuments.FAILOVER;
                long base = n2.documents().read(doc).version();
                StringBuilder resources = new StringBuilder();
                for (int r = 0; r <= i; r++) {
                    resources.append(r == 0 ? "" : ",").append("{\"id\": \"r").append(r)
                            .append("\", \"type\": \"script\", \"params\": {\"n\": \"").append(r).append("\"}}");
                }
                long t0 = System.nanoTime();
                n2.documents().replace(doc, base, "{\"resources\": [" + resources + "]}");
                while (n1.documents().read(doc).version() <= base) {
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(10)) {
                        throw new IllegalStateException("save " + i + " not seen on n1 within 10 s");
                    }
                    Thread.onSpinWait();
                }
                prop.add((System.nanoTime() - t0) / 1e6);
            }
            result("config save on n2 -> seen on n1", prop);
        } finally {
            nodes.forEach(ClusterNode::close);
        }
    }

    private static void result(String what, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf("RESULT %s: median %.2f ms, p99 %.2f ms, max %.2f ms over %d trials%n", what,
                s.get(s.size() / 2), s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)),
                s.get(s.size() - 1), s.size());
    }
}
