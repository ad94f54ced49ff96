package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.process.ProcessAgent;
import org.duplex.failover.agent.vip.VipAgent;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.control.Fencer;
import org.duplex.failover.control.LocalTransport;
import org.duplex.failover.control.StateTable;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.SystemScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a unit test (runs only with -Dduplex.bench=true, see scripts/bench/failover-switchover.sh):
 * planned switchover of a group "VIP + small TCP service" between two namespaces, through the real controller,
 * executors and agents, while a client in a third namespace connects to the VIP every ~10 ms and records which
 * node answered. Prints the controller's measured outage and the client-observed outage per trial.
 */
class SwitchoverBench {

    private static final String VIP = "172.31.252.100";
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");

    @TempDir
    Path dir;

    @Test
    void plannedSwitchover() throws Exception {
        assumeTrue(Boolean.getBoolean("duplex.bench"), "benchmark: run with -Dduplex.bench=true");
        NetnsLab.assumeRootWith("ip", "arping", "socat");
        int trials = Integer.getInteger("duplex.bench.trials", 10);
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.host("a", "172.31.252.1/24", null);
            String b = lab.host("b", "172.31.252.2/24", null);
            String c = lab.host("c", "172.31.252.3/24", null);
            Path cfg = dir.resolve("failover.conf");
            Files.writeString(cfg, String.join("\n",
                    "resource vip type=vip ip=" + VIP + " cidr=24 interface=eth0 monitor-interval=2s",
                    "resource svc type=process monitor-interval=2s stop-grace=1 \"command=socat TCP-LISTEN:8080,bind="
                            + VIP + ",reuseaddr,fork SYSTEM:'cat /sys/class/net/eth0/address'\"",
                    "group web resources=vip,svc nodes=node1,node2 failback=manual", ""));
            FileConfigStore store = new FileConfigStore(Optional.of(cfg));
            ExecutorService workers = Executors.newCachedThreadPool();
            SystemScheduler scheduler = new SystemScheduler(Clock.systemUTC());
            History history = new History(1000);
            StateTable table = new StateTable(100);
            Executor e1 = executor(N1, a, Files.createDirectory(dir.resolve("run1")), scheduler, workers, table, history);
            Executor e2 = executor(N2, b, Files.createDirectory(dir.resolve("run2")), scheduler, workers, table, history);
            QuorumState q = new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(1), Set.of(N1, N2), 2, 2, "bench");
            Map<NodeId, Node> nodes = new java.util.concurrent.ConcurrentHashMap<>(Map.of(
                    N1, new Node(N1, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE),
                    N2, new Node(N2, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE)));
            FailoverController controller = new FailoverController(store, new FailoverController.ClusterView() {
                @Override
                public QuorumState quorum() {
                    return q;
                }

                @Override
                public Map<NodeId, Node> nodes() {
                    return Map.copyOf(nodes);
                }

                @Override
                public Map<NodeId, String> notes() {
                    return Map.of();
                }
            }, table, history, new LocalTransport(Map.of(N1, e1, N2, e2)), Fencer.NONE, Clock.systemUTC());
            try {
                for (int i = 0; i < 3 && controller.runOnce().executed() > 0; i++) {
                    // initial placement on node1
                }
                Thread.sleep(300);
                List<long[]> rows = new ArrayList<>();
                System.out.println("\n| trial | from -> to | controller outage (ms) | client-observed outage (ms) |");
                System.out.println("|---|---|---|---|");
                for (int t = 1; t <= trials; t++) {
                    Process probe = probe(c);
                    List<String> lines = collect(probe);
                    Thread.sleep(200);
                    FailoverController.SwitchoverResult sw = controller.switchover(ResourceId.of("web"), Optional.empty());
                    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    long observed = observedOutageMs(drained(lines));
                    rows.add(new long[] {sw.outage().toMillis(), observed});
                    System.out.printf("| %d | %s -> %s | %d | %d |%n", t, sw.from(), sw.to(), sw.outage().toMillis(),
                            observed);
                    if (Boolean.getBoolean("duplex.bench.verbose")) {
                        sw.steps().forEach(x -> System.out.println("|   step | " + x + " | | |"));
                        lines.stream().filter(x -> x.trim().split("\\s+").length < 2).limit(3)
                                .forEach(x -> System.out.println("|   miss | " + x + " | | |"));
                    }
                    Thread.sleep(300);
                }
                // unplanned: the active node's link goes down and it is declared dead at once (detection time
                // is the heartbeat's, measured there); this measures decision + takeover on the survivor
                List<long[]> unplanned = new ArrayList<>();
                System.out.println("\n| trial | dead node | takeover (ms, decision + starts) | client-observed outage (ms) |");
                System.out.println("|---|---|---|---|");
                for (int t = 1; t <= trials; t++) {
                    NodeId active = table.states().getOrDefault(N1, Map.of()).get(ResourceId.of("vip"))
                            == org.duplex.api.model.ResourceState.RUNNING ? N1 : N2;
                    String activeNs = active.equals(N1) ? a : b;
                    Process probe = probe(c);
                    List<String> lines = collect(probe);
                    Thread.sleep(200);
                    NetnsLab.sh("ip netns exec " + activeNs + " ip link set eth0 down");
                    long t0 = System.nanoTime();
                    nodes.put(active, nodes.get(active).withLiveness(Liveness.DEAD));
                    controller.runOnce();
                    long takeover = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    long observed = observedOutageMs(drained(lines));
                    unplanned.add(new long[] {takeover, observed});
                    System.out.printf("| %d | %s | %d | %d |%n", t, active, takeover, observed);
                    // the dead node comes back empty (as after a reboot): its group copy is removed by hand
                    Executor deadExec = active.equals(N1) ? e1 : e2;
                    deadExec.unmonitor(ResourceId.of("vip"));
                    deadExec.unmonitor(ResourceId.of("svc"));
                    new ProcessAgent(NetnsLab.in(activeNs), dir.resolve(active.equals(N1) ? "run1" : "run2"))
                            .kill(store.load().resources().get(ResourceId.of("svc")), Duration.ofSeconds(5));
                    new VipAgent(NetnsLab.in(activeNs)).stop(store.load().resources().get(ResourceId.of("vip")),
                            Duration.ofSeconds(5));
                    NetnsLab.sh("ip netns exec " + activeNs + " ip link set eth0 up");
                    table.clearNode(active);
                    nodes.put(active, nodes.get(active).withLiveness(Liveness.ALIVE));
                    for (int i = 0; i < 3 && controller.runOnce().executed() > 0; i++) {
                        // settle (manual failback: the group stays on the survivor)
                    }
                    Thread.sleep(300);
                }
                List<Long> un = unplanned.stream().map(r -> r[0]).sorted().toList();
                List<Long> uo = unplanned.stream().map(r -> r[1]).sorted().toList();
                System.out.printf("%n| unplanned takeover after detection, %d trials | median | min | max |%n"
                        + "|---|---|---|---|%n", trials);
                System.out.printf("| controller (decision + starts) | %d | %d | %d |%n", un.get(un.size() / 2),
                        un.get(0), un.get(un.size() - 1));
                System.out.printf("| client (longest gap between answers) | %d | %d | %d |%n%n", uo.get(uo.size() / 2),
                        uo.get(0), uo.get(uo.size() - 1));

                List<Long> ctl = rows.stream().map(r -> r[0]).sorted().toList();
                List<Long> obs = rows.stream().map(r -> r[1]).sorted().toList();
                System.out.printf("%n| planned switchover, %d trials | median | min | max |%n|---|---|---|---|%n", trials);
                System.out.printf("| controller (first stop to last start) | %d | %d | %d |%n", ctl.get(ctl.size() / 2),
                        ctl.get(0), ctl.get(ctl.size() - 1));
                System.out.printf("| client (longest gap between answers) | %d | %d | %d |%n%n", obs.get(obs.size() / 2),
                        obs.get(0), obs.get(obs.size() - 1));
            } finally {
                for (Executor e : List.of(e1, e2)) {
                    e.close();
                }
                ProcessAgent pa = new ProcessAgent();
                pa.kill(store.load().resources().get(ResourceId.of("svc")), Duration.ofSeconds(2));
                scheduler.close();
                workers.shutdownNow();
            }
        }
    }

    /**
     * The client: a TCP connection to the VIP every 10 ms for 3.5 s (50 ms connect timeout), printing
     * "nanotime answer" per attempt. python3 when present (10 ms resolution), else a socat shell loop (coarser).
     */
    private static Process probe(String ns) throws java.io.IOException {
        if (NetnsLab.onPath("python3")) {
            String py = String.join("\n",
                    "import socket, time",
                    "end = time.time() + 3.5",
                    "while time.time() < end:",
                    "    r = ''",
                    "    try:",
                    "        s = socket.create_connection(('" + VIP + "', 8080), timeout=0.05)",
                    "        s.settimeout(0.2)",
                    "        r = s.recv(64).decode().strip()",
                    "        s.close()",
                    "    except OSError:",
                    "        pass",
                    "    print(time.time_ns(), r, flush=True)",
                    "    time.sleep(0.01)", "");
            return new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", py).redirectErrorStream(true).start();
        }
        return new ProcessBuilder("ip", "netns", "exec", ns, "sh", "-c",
                "end=$(($(date +%s%N)+3500000000)); while [ $(date +%s%N) -lt $end ]; do "
                        + "r=$(timeout 0.2 socat -T0.2 - TCP:" + VIP
                        + ":8080,connect-timeout=0.2 2>/dev/null); echo \"$(date +%s%N) $r\"; "
                        + "sleep 0.005; done").redirectErrorStream(true).start();
    }

    /** Reads the probe's lines on a thread; returns once the first answer came (the service is being served). */
    private static List<String> collect(Process probe) throws InterruptedException {
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(probe.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                    if (l.trim().split("\\s+").length > 1) {
                        first.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // probe ended
            }
        });
        t.setDaemon(true);
        t.start();
        assertThat(first.await(10, TimeUnit.SECONDS)).as("the client reaches the VIP before the trial").isTrue();
        lines.add("reader " + t.getId());
        return lines;
    }

    private static List<String> drained(List<String> lines) throws InterruptedException {
        Thread.sleep(100);
        synchronized (lines) {
            return lines.stream().filter(l -> !l.startsWith("reader ")).toList();
        }
    }

    /** Longest time between two answers that bracket a period without answers, in ms. */
    static long observedOutageMs(List<String> lines) {
        long lastOk = -1;
        long worst = 0;
        String lastNode = null;
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 1 || w[0].isEmpty()) {
                continue;
            }
            long ns = Long.parseLong(w[0]);
            boolean ok = w.length > 1 && !w[1].isBlank();
            if (ok) {
                if (lastOk > 0 && (lastNode != null && !lastNode.equals(w[1]) || ns - lastOk > 100_000_000L)) {
                    worst = Math.max(worst, (ns - lastOk) / 1_000_000);
                }
                lastOk = ns;
                lastNode = w[1];
            }
        }
        return worst;
    }

    private static Executor executor(NodeId node, String ns, Path runDir, SystemScheduler scheduler,
                                     ExecutorService workers, StateTable table, History history) {
        ResourceAgent vip = new VipAgent(NetnsLab.in(ns));
        ResourceAgent proc = new ProcessAgent(NetnsLab.in(ns), runDir);
        return new Executor(node, t -> Optional.of(t.equals("vip") ? vip : proc), scheduler, workers, table::apply,
                history, Optional.empty(), why -> { });
    }
}
