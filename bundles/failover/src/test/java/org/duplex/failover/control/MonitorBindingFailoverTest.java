package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.MonitorStatus;
import org.duplex.failover.executor.Report;
import org.duplex.failover.executor.VirtualScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Action;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bound monitors as inputs of the failover decision, driven through the real controller and two executors on a
 * virtual clock: a fake ResourceMonitor per node whose verdict the test sets. Checks run on real worker threads;
 * every step waits for the check it started before moving the clock again.
 */
class MonitorBindingFailoverTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId WEB = ResourceId.of("web");
    private static final ResourceId APP = ResourceId.of("app");

    /** A ResourceMonitor of type "fake" whose verdict the test sets; it can hang or throw. */
    static final class FakeMonitor implements ResourceMonitor {
        volatile Health health = Health.HEALTHY;
        volatile String reason = "fine";
        volatile boolean hang;
        volatile RuntimeException toThrow;
        final AtomicInteger checks = new AtomicInteger();
        final AtomicBoolean interrupted = new AtomicBoolean();
        volatile CountDownLatch entered = new CountDownLatch(1);
        final List<Map<String, String>> params = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public List<String> validate(Map<String, String> p) {
            return p.containsKey("bad") ? List.of("bad: not allowed here") : List.of();
        }

        @Override
        public HealthStatus check(Map<String, String> p, Duration timeout) throws InterruptedException {
            params.add(p);
            entered.countDown();
            try {
                if (hang) {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                    }
                }
                if (toThrow != null) {
                    throw toThrow;
                }
                return new HealthStatus(health, reason, Duration.ofMillis(3));
            } finally {
                checks.incrementAndGet();
            }
        }

        void fail(String why) {
            reason = why;
            health = Health.UNHEALTHY;
        }

        void heal() {
            reason = "fine";
            health = Health.HEALTHY;
        }
    }

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final VirtualScheduler clock = new VirtualScheduler();
    private final History history = new History(500);
    private final StateTable table = new StateTable(100);
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final ChannelTransportTest.FlagAgent agent1 = new ChannelTransportTest.FlagAgent();
    private final ChannelTransportTest.FlagAgent agent2 = new ChannelTransportTest.FlagAgent();
    private final FakeMonitor fake1 = new FakeMonitor();
    private final FakeMonitor fake2 = new FakeMonitor();
    private volatile boolean typeInstalled = true;
    private FileConfigStore store;
    private Executor exec1;
    private Executor exec2;
    private FailoverController controller;

    private void cluster(String config) throws Exception {
        store = new FileConfigStore(Optional.empty());
        store.save(store.load(), ConfigText.parse(config));
        exec1 = executor(N1, agent1, fake1);
        exec2 = executor(N2, agent2, fake2);
        Clock virtual = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock.now();
            }
        };
        controller = new FailoverController(store, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(3), Set.of(N1, N2), 2, 3, "2 of 3");
            }

            @Override
            public Map<NodeId, Node> nodes() {
                return Map.of(N1, new Node(N1, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE),
                        N2, new Node(N2, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
            }

            @Override
            public Map<NodeId, String> notes() {
                return Map.of();
            }
        }, table, history, new LocalTransport(Map.of(N1, exec1, N2, exec2)), Fencer.NONE, virtual);
    }

    private Executor executor(NodeId node, ChannelTransportTest.FlagAgent agent, FakeMonitor fake) {
        Executor e = new Executor(node, t -> Optional.of(agent), clock, workers, r -> {
            reports.add(r);
            table.apply(r);
        }, history, Optional.empty(), why -> { });
        e.bindMonitors(() -> store.load(), t -> typeInstalled && t.equals("fake") ? Optional.of(fake)
                : Optional.empty());
        return e;
    }

    @AfterEach
    void stop() {
        if (exec1 != null) {
            exec1.close();
            exec2.close();
        }
        workers.shutdownNow();
    }

    /** Decision rounds until nothing more is done; returns every action carried out. */
    private List<Action> settle() {
        List<Action> done = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            FailoverController.RunResult r = controller.runOnce();
            assertThat(r.stoppedBecause()).as(r.plan().render()).isEmpty();
            if (r.executed() == 0) {
                return done;
            }
            done.addAll(r.plan().actions());
            assertNeverTwoCopies();
        }
        throw new AssertionError("did not settle: " + controller.plan().render());
    }

    private void assertNeverTwoCopies() {
        assertThat(agent1.running && agent2.running).as("web runs on both nodes").isFalse();
    }

    /** Moves the clock by {@code d} and waits until every check that was bound before has reported again. */
    private void tick(Duration d, Executor... on) {
        Map<Executor, Map<ResourceId, Instant>> before = new java.util.HashMap<>();
        for (Executor e : on) {
            Map<ResourceId, Instant> at = new java.util.HashMap<>();
            e.monitorStatuses().forEach((id, st) -> at.put(id, st.at()));
            before.put(e, at);
        }
        clock.advance(d);
        for (Executor e : on) {
            await().atMost(Duration.ofSeconds(5)).until(() -> before.get(e).entrySet().stream().allMatch(x -> {
                MonitorStatus st = e.monitorStatuses().get(x.getKey());
                return st == null || st.at().isAfter(x.getValue());
            }));
        }
    }

    private MonitorStatus status(Executor e, String monitor) {
        return e.monitorStatuses().get(ResourceId.of(monitor));
    }

    private ResourceState state(NodeId n) {
        return table.states().getOrDefault(n, Map.of()).getOrDefault(APP, ResourceState.STOPPED);
    }

    private List<String> summaries(List<Action> actions) {
        return actions.stream().map(Action::summary).toList();
    }

    // ---- on=resource ------------------------------------------------------------------------------------

    @Test
    void countConsecutiveFailuresFailTheResourceWhichRestartsThenMovesAtTheThreshold() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2 migration-threshold=2 failback=manual
                monitor disk-var type=fake on=resource target=app interval=10s timeout=5s count=3 path=/var max=90
                """);
        settle();
        assertThat(agent1.running).isTrue();
        assertThat(exec1.monitorStatuses()).containsKey(ResourceId.of("disk-var"));
        assertThat(exec2.monitorStatuses()).as("runs only where the resource runs").isEmpty();

        tick(Duration.ofSeconds(10), exec1);
        assertThat(status(exec1, "disk-var").state()).isEqualTo(MonitorStatus.State.HEALTHY);
        assertThat(fake1.params).first().isEqualTo(Map.of("path", "/var", "max", "90"));

        // two failed checks in a row: below count, nothing happens
        fake1.fail("/var 91 % full, limit 90 %");
        tick(Duration.ofSeconds(10), exec1);
        tick(Duration.ofSeconds(10), exec1);
        assertThat(status(exec1, "disk-var").describe()).isEqualTo(
                "FAILING (2 of 3): monitor disk-var: /var 91 % full, limit 90 %");
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);
        assertThat(settle()).isEmpty();

        // a healthy check in between resets the count
        fake1.heal();
        tick(Duration.ofSeconds(10), exec1);
        fake1.fail("/var 91 % full, limit 90 %");
        tick(Duration.ofSeconds(10), exec1);
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);

        // the third in a row: the resource failed, with the monitor's own reason; the policy restarts it locally
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).isEqualTo(ResourceState.FAILED);
        assertThat(table.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .isEqualTo("monitor: monitor disk-var: /var 91 % full, limit 90 % (3 failed checks in a row)"));
        List<Action> restart = settle();
        assertThat(summaries(restart)).containsExactly("stop web/app on node1 (restart)",
                "start web/app on node1 (restart)");
        assertThat(restart.get(0).reason()).contains("app failed there (last at 12:01:10.0: monitor: monitor disk-var: /var 91 % full, "
                + "limit 90 % (3 failed checks in a row))").contains("failure 1 of 2 before it moves");
        assertThat(agent1.running).isTrue();
        assertThat(status(exec1, "disk-var").state()).as("restarted with no failed checks")
                .isEqualTo(MonitorStatus.State.PENDING);
        assertThat(table.health().get(N1).get(ResourceId.of("disk-var")).result().reason())
                .as("what ha:status shows on the coordinator: not the FAILED that restarted it")
                .startsWith("PENDING").contains("first check in");

        // still full: three more failed checks reach the migration threshold, web moves to node2
        tick(Duration.ofSeconds(10), exec1);
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).isEqualTo(ResourceState.FAILED);
        List<Action> move = settle();
        assertThat(summaries(move)).containsExactly("stop web/app on node1 (move)", "start web/app on node2 (move)");
        assertThat(move.get(1).reason()).contains("node1 is banned: app failed there 2 times")
                .contains("monitor disk-var: /var 91 % full");
        assertThat(agent1.running).isFalse();
        assertThat(agent2.running).isTrue();
        assertThat(exec1.monitorStatuses()).as("stopped with its resource").isEmpty();
        assertThat(exec2.monitorStatuses()).containsKey(ResourceId.of("disk-var"));
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text)
                .anyMatch(t -> t.equals("monitor failed: monitor disk-var: /var 91 % full, limit 90 % (3 failed "
                        + "checks in a row)"))
                .anyMatch(t -> t.contains("web moved to node2") && t.contains("monitor disk-var"));
    }

    @Test
    void aHungCheckIsCutOffAtItsTimeoutAndCountsAsFailed() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2
                monitor slow type=fake on=resource target=app interval=10s timeout=2s count=1
                """);
        settle();
        fake1.hang = true;
        clock.advance(Duration.ofSeconds(10));
        assertThat(fake1.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(status(exec1, "slow").state()).as("still running, not judged yet")
                .isEqualTo(MonitorStatus.State.PENDING);
        clock.advance(Duration.ofMillis(1999));
        assertThat(status(exec1, "slow").state()).isEqualTo(MonitorStatus.State.PENDING);
        clock.advance(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> state(N1) == ResourceState.FAILED);
        assertThat(status(exec1, "slow").describe())
                .isEqualTo("FAILED (1 in a row): monitor slow: no answer within 2000 ms (check cut off)");
        await().atMost(Duration.ofSeconds(5)).untilTrue(fake1.interrupted);
        assertThat(table.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .contains("monitor slow: no answer within 2000 ms (check cut off)"));
        fake1.hang = false;
        assertThat(summaries(settle())).containsExactly("stop web/app on node1 (restart)",
                "start web/app on node1 (restart)");
    }

    @Test
    void checksStartOneIntervalApartEvenWhenEachRunsIntoItsTimeout() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2
                monitor slow type=fake on=resource target=app interval=1s timeout=400ms count=2
                """);
        settle();
        fake1.hang = true;
        clock.advance(Duration.ofSeconds(1)); // t = 1.0 s: the first check starts and hangs
        assertThat(fake1.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        fake1.entered = new CountDownLatch(1);
        clock.advance(Duration.ofMillis(400)); // t = 1.4 s: cut off, 1 failure
        await().atMost(Duration.ofSeconds(5)).untilTrue(fake1.interrupted);
        fake1.interrupted.set(false);
        clock.advance(Duration.ofMillis(600)); // t = 2.0 s: one interval after the first start, not after its end
        assertThat(fake1.entered.await(5, java.util.concurrent.TimeUnit.SECONDS))
                .as("the second check started at t = 2.0 s").isTrue();
        clock.advance(Duration.ofMillis(400)); // t = 2.4 s: second failure = interval x count + timeout
        await().atMost(Duration.ofSeconds(5)).until(() -> state(N1) == ResourceState.FAILED);
    }

    @Test
    void aThrowingCheckFailsWithTheExceptionInTheReason() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2
                monitor boom type=fake on=resource target=app interval=10s timeout=5s count=2
                """);
        settle();
        fake1.toThrow = new IllegalStateException("statvfs failed on /var");
        tick(Duration.ofSeconds(10), exec1);
        assertThat(status(exec1, "boom").describe()).isEqualTo("FAILING (1 of 2): monitor boom: check threw "
                + "java.lang.IllegalStateException: statvfs failed on /var");
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).isEqualTo(ResourceState.FAILED);
        assertThat(table.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .contains("java.lang.IllegalStateException: statvfs failed on /var"));
    }

    @Test
    void aMissingMonitorTypeIsShownAndCausesNoFailover() throws Exception {
        typeInstalled = false;
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2
                monitor disk-var type=fake on=resource target=app interval=10s count=1
                monitor gw type=fake on=node target=web interval=10s count=1
                """);
        settle();
        assertThat(agent1.running).isTrue();
        for (int i = 0; i < 5; i++) {
            tick(Duration.ofSeconds(10), exec1, exec2);
        }
        assertThat(status(exec1, "disk-var").state()).isEqualTo(MonitorStatus.State.TYPE_MISSING);
        assertThat(status(exec1, "disk-var").reason()).contains("monitor type missing")
                .contains("type 'fake'").contains("not a failure");
        assertThat(status(exec2, "gw").state()).isEqualTo(MonitorStatus.State.TYPE_MISSING);
        assertThat(table.health().get(N1)).containsKey(ResourceId.of("gw"));
        assertThat(table.failures()).isEmpty();
        assertThat(settle()).isEmpty();
        assertThat(agent1.running).isTrue();
        assertThat(history.timeline(Optional.of(WEB))).extracting(History.Entry::text)
                .anyMatch(t -> t.contains("TYPE MISSING: monitor disk-var: monitor type missing"));

        // the plug-in arrives: the bindings run with it from the next check on
        typeInstalled = true;
        tick(Duration.ofSeconds(10), exec1, exec2);
        assertThat(status(exec1, "disk-var").state()).isEqualTo(MonitorStatus.State.HEALTHY);
    }

    @Test
    void anUnknownVerdictIsNeitherAFailureNorASuccess() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2
                monitor m type=fake on=resource target=app interval=10s count=2
                """);
        settle();
        fake1.fail("full");
        tick(Duration.ofSeconds(10), exec1);
        fake1.health = Health.UNKNOWN;
        fake1.reason = "df not installed";
        tick(Duration.ofSeconds(10), exec1);
        assertThat(status(exec1, "m").describe()).isEqualTo("UNKNOWN: monitor m: df not installed");
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);
        fake1.fail("full");
        tick(Duration.ofSeconds(10), exec1);
        assertThat(state(N1)).as("second failure in a row; the unknown in between counted for nothing")
                .isEqualTo(ResourceState.FAILED);
    }

    // ---- on=node ------------------------------------------------------------------------------------------

    @Test
    void aFailingNodeHealthCheckMovesTheGroupAwayAndKeepsItFromBeingPlacedThere() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2 failback=automatic
                monitor gw type=fake on=node target=web interval=5s timeout=2s count=2 host=10.0.0.1
                """);
        // node1, first in the list, lost its public network before web was ever placed
        fake1.fail("no answer from 10.0.0.1 within 2 s");
        tick(Duration.ofSeconds(5), exec1, exec2);
        assertThat(status(exec1, "gw").state()).isEqualTo(MonitorStatus.State.FAILING);
        tick(Duration.ofSeconds(5), exec1, exec2);
        assertThat(status(exec1, "gw").state()).isEqualTo(MonitorStatus.State.FAILED);
        assertThat(status(exec2, "gw").state()).isEqualTo(MonitorStatus.State.HEALTHY);
        List<Action> placed = settle();
        assertThat(summaries(placed)).contains("start web/app on node2 (start)");
        assertThat(agent1.running).isFalse();
        assertThat(agent2.running).isTrue();

        // node1 recovers: automatic failback takes web home (stop on node2 first)
        fake1.heal();
        tick(Duration.ofSeconds(5), exec1, exec2);
        List<Action> back = settle();
        assertThat(summaries(back)).containsExactly("stop web/app on node2 (failback)",
                "start web/app on node1 (failback)");
        assertThat(agent1.running).isTrue();

        // node1 loses the gateway again: web moves off it with the monitor's reason
        fake1.fail("no answer from 10.0.0.1 within 2 s");
        tick(Duration.ofSeconds(5), exec1, exec2);
        assertThat(settle()).as("one failed check of two: nothing yet").isEmpty();
        tick(Duration.ofSeconds(5), exec1, exec2);
        List<Action> away = settle();
        assertThat(summaries(away)).containsExactly("stop web/app on node1 (move)", "start web/app on node2 (move)");
        assertThat(away.get(1).reason()).contains("node1 fails a node-health check of web: FAILED (2 in a row): "
                + "monitor gw: no answer from 10.0.0.1 within 2 s");
        assertThat(table.failures()).as("a node-health failure is no resource failure").isEmpty();

        // both nodes fail it: no eligible node, web stops rather than run on a node without its network
        fake2.fail("no answer from 10.0.0.1 within 2 s");
        tick(Duration.ofSeconds(5), exec1, exec2);
        tick(Duration.ofSeconds(5), exec1, exec2);
        List<Action> stopped = settle();
        assertThat(summaries(stopped)).containsExactly("stop web/app on node2 (stop)");
        assertThat(agent1.running || agent2.running).isFalse();
        assertThat(controller.plan().notes()).anyMatch(n -> n.contains("web stays stopped: no eligible node")
                && n.contains("node1 fails a node-health check"));
    }

    @Test
    void removingANodeHealthBindingLiftsItsBan() throws Exception {
        cluster("""
                resource app type=flag monitor-interval=1h
                group web resources=app nodes=node1,node2 failback=automatic
                monitor gw type=fake on=node target=web interval=5s count=1
                """);
        fake1.fail("no route");
        tick(Duration.ofSeconds(5), exec1, exec2);
        settle();
        assertThat(agent2.running).isTrue();
        store.save(store.load(), store.load().withoutMonitor(ResourceId.of("gw")));
        exec1.syncMonitors();
        exec2.syncMonitors();
        assertThat(table.health().getOrDefault(N1, Map.of())).isEmpty();
        assertThat(summaries(settle())).containsExactly("stop web/app on node2 (failback)",
                "start web/app on node1 (failback)");
    }
}
