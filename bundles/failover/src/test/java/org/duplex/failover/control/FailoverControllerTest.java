package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.duplex.api.model.ResourceState;
import org.duplex.failover.agent.CommandRunner;
import org.duplex.failover.agent.process.ProcessAgent;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;
import org.duplex.failover.executor.SystemScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine, controller and two executors in one JVM with real processes: each "node" is an executor with its own
 * process agent and pid directory. The coordinator places the group, recovers it after node1 dies, restarts a
 * killed process locally, and performs a measured switchover.
 */
class FailoverControllerTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId WEB = ResourceId.of("web");
    private static final ResourceId APP = ResourceId.of("app");

    @TempDir
    Path dir;

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final SystemScheduler scheduler = new SystemScheduler(Clock.systemUTC());
    private final History history = new History(200);
    private final StateTable table = new StateTable(100);
    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final Map<NodeId, String> notes = new LinkedHashMap<>();
    private volatile QuorumState quorum;
    private ProcessAgent agent1;
    private ProcessAgent agent2;
    private Executor exec1;
    private Executor exec2;
    private FileConfigStore store;
    private FailoverController controller;

    @BeforeEach
    void cluster() throws Exception {
        Path cfg = dir.resolve("failover.conf");
        Files.writeString(cfg, String.join("\n",
                "resource app type=process monitor-interval=200ms stop-timeout=5s command=\"sleep 3601\"",
                "resource app2 type=process monitor-interval=200ms command=\"sleep 3602\"",
                "group web resources=app,app2 nodes=node1,node2 failback=manual migration-threshold=3", ""));
        store = new FileConfigStore(Optional.of(cfg));
        agent1 = new ProcessAgent(CommandRunner.direct(), Files.createDirectory(dir.resolve("run1")));
        agent2 = new ProcessAgent(CommandRunner.direct(), Files.createDirectory(dir.resolve("run2")));
        exec1 = executor(N1, agent1);
        exec2 = executor(N2, agent2);
        controller = new FailoverController(store, view(), table, history,
                new LocalTransport(Map.of(N1, exec1, N2, exec2)), Fencer.NONE, Clock.systemUTC());
        nodes.put(N1, new Node(N1, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
        nodes.put(N2, new Node(N2, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
        quorum = quorate(N2, 3);
    }

    private FailoverController.ClusterView view() {
        return new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return quorum;
            }

            @Override
            public Map<NodeId, Node> nodes() {
                return Map.copyOf(nodes);
            }

            @Override
            public Map<NodeId, String> notes() {
                return Map.copyOf(notes);
            }
        };
    }

    private Executor executor(NodeId node, ResourceAgent agent) {
        return new Executor(node, t -> Optional.of(agent), scheduler, workers, r -> table.apply(r), history,
                Optional.empty(), why -> { });
    }

    private static QuorumState quorate(NodeId coordinator, long epoch) {
        return new QuorumState(coordinator, true, Optional.of(coordinator), new FencingEpoch(epoch), Set.of(N1, N2),
                2, 3, "2 of 3 votes");
    }

    @AfterEach
    void cleanup() throws Exception {
        exec1.close();
        exec2.close();
        for (ResourceId r : List.of(APP, ResourceId.of("app2"))) {
            agent1.kill(store.load().resources().get(r), Duration.ofSeconds(5));
            agent2.kill(store.load().resources().get(r), Duration.ofSeconds(5));
        }
        scheduler.close();
        workers.shutdownNow();
    }

    private void settle() {
        for (int i = 0; i < 5; i++) {
            FailoverController.RunResult r = controller.runOnce();
            assertThat(r.stoppedBecause()).as(r.plan().render()).isEmpty();
            if (r.executed() == 0) {
                return;
            }
        }
        throw new AssertionError("did not settle: " + controller.plan().render());
    }

    private ResourceState state(NodeId n, ResourceId r) {
        return table.states().getOrDefault(n, Map.of()).getOrDefault(r, ResourceState.STOPPED);
    }

    @Test
    void placesRecoversRestartsAndSwitchesOver() throws Exception {
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(state(N2, APP)).isEqualTo(ResourceState.STOPPED);

        // a killed process is restarted in place (failure 1 of 3), no failover
        long pid = Long.parseLong(Files.readString(dir.resolve("run1/app.pid")).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> state(N1, APP) == ResourceState.FAILED);
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(table.failures()).hasSize(1);
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text)
                .anyMatch(t -> t.contains("failure 1 of 3 before it moves"));

        // node1 dies: its processes die with it, node2 takes over
        agent1.kill(store.load().resources().get(APP), Duration.ofSeconds(5));
        agent1.kill(store.load().resources().get(ResourceId.of("app2")), Duration.ofSeconds(5));
        exec1.unmonitor(APP);
        exec1.unmonitor(ResourceId.of("app2"));
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));
        notes.put(N1, "silent on all 3 links since 12:00:01.2");
        quorum = quorate(N2, 4);
        assertThat(controller.counters().failovers()).as("the first placement and the restart are no failover")
                .isEmpty();
        settle();
        assertThat(state(N2, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text).anyMatch(t -> t.contains(
                "web moved to node2: node1 is dead (silent on all 3 links since 12:00:01.2); node2 is next"));
        assertThat(controller.counters().failovers()).as("one failover of web, with the round's time to its start")
                .hasSize(1).allSatisfy((k, d) -> {
                    assertThat(k.group()).isEqualTo("web");
                    assertThat(k.intent()).isIn(FailoverCounters.FAILOVER_INTENTS);
                    assertThat(d.count()).isEqualTo(1);
                    assertThat(d.seconds()).isPositive().isLessThan(5);
                });
        assertThat(controller.counters().actions()).containsKey(new FailoverCounters.ActionKey("start", "start",
                true));

        // node1 returns: probed, found stopped; manual failback keeps web on node2
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.ALIVE));
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.STOPPED);
        assertThat(state(N2, APP)).isEqualTo(ResourceState.RUNNING);

        // planned switchover back, measured
        FailoverController.SwitchoverResult sw = controller.switchover(WEB, Optional.empty());
        assertThat(sw.from()).isEqualTo(N2);
        assertThat(sw.to()).isEqualTo(N1);
        assertThat(sw.outage()).isLessThan(Duration.ofSeconds(3));
        assertThat(sw.steps()).hasSize(4).allMatch(s -> s.contains(": ok"));
        assertThat(controller.counters().switchovers().get("web"))
                .isEqualTo(new FailoverCounters.Durations(1, sw.outage().toNanos() / 1e9));
        assertThat(controller.counters().failovers().values()).as("a switchover is not a failover")
                .extracting(FailoverCounters.Durations::count).containsExactly(1L);
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(state(N2, APP)).isEqualTo(ResourceState.STOPPED);
        assertThat(ConfigText.write(store.load())).contains("nodes=node1,node2");
        assertThat(controller.plan().actions()).as("the engine agrees with the switchover").isEmpty();

        assertThatThrownBy(() -> controller.switchover(WEB, Optional.of(N1))).hasMessageContaining("already runs");

        // app failed 3 times on node2 meanwhile: a switchover there would be undone by the engine, so it is refused
        for (int i = 0; i < 3; i++) {
            table.apply(new org.duplex.failover.executor.Report(N2, APP, Optional.of(WEB), "monitor",
                    org.duplex.api.agent.OperationResult.of(org.duplex.api.agent.OcfStatus.NOT_RUNNING, "killed",
                            Duration.ZERO), ResourceState.STOPPED, true, java.time.Instant.now()));
        }
        assertThatThrownBy(() -> controller.switchover(WEB, Optional.of(N2)))
                .hasMessageContaining("node2 is banned for web").hasMessageContaining("ha:cleanup app");
        assertThat(state(N1, APP)).as("a refused switchover touches nothing").isEqualTo(ResourceState.RUNNING);
        assertThat(controller.cleanup(APP)).isEqualTo(4);
        assertThat(table.failures()).isEmpty();
    }

    /**
     * ha:switchover places the group (a preference in the configuration) and leaves its node priority alone;
     * automatic failback does not pull it back while the placement stands, a new coordinator reading the same
     * configuration keeps it there, --clear hands it back to priority and failback, --reorder rewrites the list.
     */
    @Test
    void switchoverPlacesTheGroupWithoutReorderingItsNodes() throws Exception {
        org.duplex.failover.model.FailoverConfig c = store.load();
        store.save(c, c.withGroup(c.group(WEB).orElseThrow(), new org.duplex.failover.model.GroupPolicy(0,
                org.duplex.failover.model.Failback.AUTOMATIC, 3, Duration.ofMinutes(10),
                org.duplex.failover.model.OnFail.RESTART, List.of(), 0, true)));
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);

        FailoverController.SwitchoverResult sw = controller.switchover(WEB, Optional.of(N2), false, "admin");
        assertThat(sw.to()).isEqualTo(N2);
        assertThat(sw.reordered()).isFalse();
        assertThat(sw.placement()).contains("placed on node2 (by admin at ").contains("node priority unchanged "
                + "[node1, node2]").contains("ha:switchover --clear web");
        assertThat(state(N2, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(store.load().group(WEB).orElseThrow().nodes()).as("priority kept").containsExactly(N1, N2);
        assertThat(store.load().placementOf(WEB)).get().extracting(p -> p.node()).isEqualTo(N2);
        assertThat(controller.plan().actions()).as("failback=automatic, yet the placement keeps web on node2")
                .isEmpty();

        // the coordinator changes: a new controller over the same (replicated) configuration keeps the placement
        quorum = quorate(N1, 4);
        FailoverController next = new FailoverController(store, view(), table, history,
                new LocalTransport(Map.of(N1, exec1, N2, exec2)), Fencer.NONE, Clock.systemUTC());
        for (int i = 0; i < 5 && next.runOnce().executed() > 0; i++) {
            // the new term probes what the nodes run, then decides
        }
        assertThat(next.plan().actions()).as(next.plan().render()).isEmpty();
        assertThat(state(N2, APP)).as("the new coordinator keeps web where the operator placed it")
                .isEqualTo(ResourceState.RUNNING);
        assertThat(state(N1, APP)).isEqualTo(ResourceState.STOPPED);

        // --clear: nothing moves by itself there; the engine then applies priority and failback=automatic
        assertThat(next.clearPlacement(WEB, "admin")).get().extracting(p -> p.node()).isEqualTo(N2);
        assertThat(store.load().placementOf(WEB)).isEmpty();
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text)
                .anyMatch(t -> t.contains("placement of web on node2 (by admin") && t.contains("cleared by admin"));
        assertThat(state(N2, APP)).isEqualTo(ResourceState.RUNNING);
        assertThat(next.plan().actions()).extracting(a -> a.summary()).contains("start web/app on node1 (failback)");
        assertThat(next.clearPlacement(WEB, "admin")).as("nothing left to clear").isEmpty();
        for (int i = 0; i < 5 && next.runOnce().executed() > 0; i++) {
            // failback to node1, as its policy says
        }
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);

        // a switchover to the node first in priority needs no placement, and removes one the group had
        next.switchover(WEB, Optional.of(N2), false, "admin");
        FailoverController.SwitchoverResult home = next.switchover(WEB, Optional.of(N1), false, "admin");
        assertThat(home.placement()).contains("node1 is first in the node priority [node1, node2]: no placement "
                + "needed; the placement on node2 (by admin at ");
        assertThat(store.load().placementOf(WEB)).isEmpty();
        assertThat(next.plan().actions()).isEmpty();

        // --reorder: the 1.1 behaviour, the target first in the node list and no placement
        FailoverController.SwitchoverResult re = next.switchover(WEB, Optional.of(N2), true, "admin");
        assertThat(re.reordered()).isTrue();
        assertThat(re.placement()).contains("was [node1, node2], now [node2, node1]")
                .contains("undo with ha:group-add -f web resources=app,app2 nodes=node1,node2 ");
        assertThat(ConfigText.write(store.load())).contains("nodes=node2,node1").doesNotContain("placement ");
        assertThat(next.plan().actions()).isEmpty();
    }

    @Test
    void aNewCoordinatorTermProbesWhatTheOtherNodesRunInsteadOfTrustingTheTable() throws Exception {
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);
        // The table says app is stopped on node1, which is false (a report lost across a partition, say).
        table.set(N1, APP, ResourceState.STOPPED);
        assertThat(controller.snapshot().state(N1, APP)).as("same term: the table is trusted")
                .isEqualTo(ResourceState.STOPPED);

        quorum = quorate(N2, 4); // a new term (a merge after a partition)
        assertThat(controller.snapshot().state(N1, APP)).isEqualTo(ResourceState.UNKNOWN);
        assertThat(controller.plan().render()).contains("probe web/app on node1");
        settle();
        assertThat(state(N1, APP)).as("probed: found running, so nothing else started").isEqualTo(ResourceState.RUNNING);
        assertThat(state(N2, APP)).isEqualTo(ResourceState.STOPPED);
    }

    @Test
    void theProbesOfANewTermGoOutTogetherNotOneAfterTheOther() throws Exception {
        settle();
        LocalTransport local = new LocalTransport(Map.of(N1, exec1, N2, exec2));
        List<CompletableFuture<Report>> held = new CopyOnWriteArrayList<>();
        List<Operation> heldOps = new CopyOnWriteArrayList<>();
        List<NodeId> heldNodes = new CopyOnWriteArrayList<>();
        // holds every probe's report back: a controller that waits for one before sending the next sends only one
        ActionTransport gate = (node, op) -> {
            if (op.kind() != Operation.Kind.PROBE) {
                return local.send(node, op);
            }
            CompletableFuture<Report> f = new CompletableFuture<>();
            heldNodes.add(node);
            heldOps.add(op);
            held.add(f);
            return f;
        };
        FailoverController gated = new FailoverController(store, view(), table, history, gate, Fencer.NONE,
                Clock.systemUTC());
        quorum = quorate(N2, 4); // new term: node1's app and app2 are unknown and probed
        CompletableFuture<FailoverController.RunResult> round = CompletableFuture.supplyAsync(gated::runOnce, workers);
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heldOps)
                    .as("both probes sent while none has answered").hasSize(2));
        } finally {
            for (int i = 0; i < held.size(); i++) {
                held.get(i).complete(local.send(heldNodes.get(i), heldOps.get(i)).get(10, TimeUnit.SECONDS));
            }
        }
        FailoverController.RunResult result = round.get(30, TimeUnit.SECONDS);
        assertThat(result.stoppedBecause()).isEmpty();
        assertThat(result.executed()).isEqualTo(2);
        assertThat(table.states().get(N1)).containsEntry(APP, ResourceState.RUNNING)
                .containsEntry(ResourceId.of("app2"), ResourceState.RUNNING);
    }

    @Test
    void aMemberNotYetHeardOnTheHeartbeatIsProbedBeforeAnythingStarts() throws Exception {
        // just after this coordinator started: node1 is in the view, its heartbeat still UNKNOWN, never reported
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.UNKNOWN));
        String plan = controller.plan().render();
        assertThat(plan).contains("web waits: it may still run on node1").doesNotContain("start web/");
    }

    @Test
    void onlyTheCoordinatorActsAndANodeWithoutQuorumStopsItsOwnGroups() throws Exception {
        quorum = quorate(N1, 3);
        settle();
        assertThat(state(N1, APP)).isEqualTo(ResourceState.RUNNING);

        quorum = new QuorumState(N2, true, Optional.of(N1), new FencingEpoch(3), Set.of(N1, N2), 2, 3, "2 of 3");
        nodes.put(N1, nodes.get(N1).withMode(NodeMode.STANDBY));
        FailoverController.RunResult notMine = controller.runOnce();
        assertThat(notMine.executed()).isZero();
        assertThat(notMine.stoppedBecause()).hasValueSatisfying(s -> assertThat(s).contains("not the coordinator"));
        assertThatThrownBy(() -> controller.switchover(WEB, Optional.empty())).hasMessageContaining("coordinator");

        nodes.put(N1, nodes.get(N1).withMode(NodeMode.ONLINE));
        quorum = new QuorumState(N1, false, Optional.empty(), new FencingEpoch(3), Set.of(N1), 1, 3, "1 of 3 votes");
        FailoverController.RunResult lost = controller.runOnce();
        assertThat(lost.executed()).isEqualTo(2);
        assertThat(state(N1, APP)).isEqualTo(ResourceState.STOPPED);
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text)
                .anyMatch(t -> t.contains("no quorum (1 of 3 votes)"));
    }
}
