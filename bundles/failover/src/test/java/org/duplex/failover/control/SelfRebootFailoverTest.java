package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.monitor.Health;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.MonitorStatus;
import org.duplex.failover.executor.VirtualScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Action;
import org.duplex.failover.selffence.RebootAction;
import org.duplex.failover.selffence.RebootGuard;
import org.duplex.failover.selffence.SelfReboot;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code on=node on-fail=reboot} through the real controller, two executors and each node's {@link SelfReboot} on
 * a virtual clock: node2 fails its check, every group moves off it, and only then does it reboot itself (a fake
 * reboot action that records what ran where at that moment). A "reboot" is simulated by a new executor and a new
 * SelfReboot on the same guard file.
 */
class SelfRebootFailoverTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId RO = ResourceId.of("ro");

    /** A flag agent for several resources: which ones run on its node. */
    static final class SetAgent implements ResourceAgent {
        final Set<ResourceId> running = ConcurrentHashMap.newKeySet();
        /** A stop that fails and leaves the resource running (no kill hook: the executor reports BLOCKED). */
        volatile boolean stopFails;

        @Override
        public String type() {
            return "flag";
        }

        @Override
        public List<String> validate(Resource r, Duration t) {
            return List.of();
        }

        @Override
        public OperationResult start(Resource r, Duration t) {
            running.add(r.id());
            return OperationResult.success("up", Duration.ZERO);
        }

        @Override
        public OperationResult stop(Resource r, Duration t) {
            if (stopFails) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "umount: target is busy", Duration.ZERO);
            }
            running.remove(r.id());
            return OperationResult.success("down", Duration.ZERO);
        }

        @Override
        public OperationResult monitor(Resource r, Duration t) {
            return OperationResult.of(running.contains(r.id()) ? OcfStatus.SUCCESS : OcfStatus.NOT_RUNNING, "flag",
                    Duration.ZERO);
        }
    }

    /** The fake reboot: counts, and remembers what ran on each node when it was asked. */
    final class FakeReboot implements RebootAction {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Outcome reboot(String reason) {
            calls.add("node1 runs " + new java.util.TreeSet<>(agent1.running) + ", node2 runs "
                    + new java.util.TreeSet<>(agent2.running) + ": " + reason);
            return new Outcome(true, "fake reboot accepted");
        }
    }

    @TempDir
    Path data;

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final VirtualScheduler clock = new VirtualScheduler();
    private final Clock virtual = new Clock() {
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
    /** The wall clock the self-reboot and its guard read: the scheduler's time plus a jump (a machine down). */
    private volatile Duration wallOffset = Duration.ZERO;
    private final Clock wall = new Clock() {
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
            return clock.now().plus(wallOffset);
        }
    };
    private final History history = new History(500);
    private final StateTable table = new StateTable(100);
    private final SetAgent agent1 = new SetAgent();
    private final SetAgent agent2 = new SetAgent();
    private final MonitorBindingFailoverTest.FakeMonitor fake1 = new MonitorBindingFailoverTest.FakeMonitor();
    private final MonitorBindingFailoverTest.FakeMonitor fake2 = new MonitorBindingFailoverTest.FakeMonitor();
    private final FakeReboot reboot2 = new FakeReboot();
    private final FakeReboot reboot1 = new FakeReboot();
    private final Map<NodeId, Executor> executors = new ConcurrentHashMap<>();
    /** The quorum as node2 sees it (the coordinator is node1, whose view is always quorate here). */
    private volatile boolean node2Quorate = true;
    private volatile boolean typeInstalled = true;
    private FileConfigStore store;
    private FailoverController controller;
    private SelfReboot self2;

    private void cluster(String config) throws Exception {
        store = new FileConfigStore(Optional.empty());
        store.save(store.load(), ConfigText.parse(config));
        node(N1, agent1, fake1, reboot1);
        self2 = node(N2, agent2, fake2, reboot2);
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
        }, table, history, (node, op) -> executors.get(node).submit(op), Fencer.NONE, virtual);
    }

    private RebootGuard guard(NodeId node) {
        return new RebootGuard(data.resolve(node.value()).resolve("self-reboots"), 2, Duration.ofHours(1));
    }

    /** Starts (or, after a simulated reboot, restarts) a node's executor and self-reboot. */
    private SelfReboot node(NodeId node, SetAgent agent, MonitorBindingFailoverTest.FakeMonitor fake,
                            FakeReboot action) {
        Executor old = executors.remove(node);
        if (old != null) {
            old.close();
        }
        Executor e = new Executor(node, t -> Optional.of(agent), clock, workers, r -> table.apply(r), history,
                Optional.empty(), why -> { });
        java.util.function.Supplier<QuorumState> quorum = () -> node.equals(N2) && !node2Quorate
                ? new QuorumState(N2, false, Optional.empty(), new FencingEpoch(3), Set.of(N2), 1, 3,
                "1 of 3 votes, 2 needed")
                : new QuorumState(node, true, Optional.of(N1), new FencingEpoch(3), Set.of(N1, N2), 2, 3, "2 of 3");
        SelfReboot self = new SelfReboot(node, new SelfReboot.Node() {
            @Override
            public Map<ResourceId, MonitorStatus> statuses() {
                return e.monitorStatuses();
            }

            @Override
            public Optional<String> stillHere() {
                return e.stillHere();
            }
        }, quorum, guard(node), action, Runnable::run, history, wall);
        e.nodeHealthHook(self);
        e.bindMonitors(() -> store.load(), t -> typeInstalled && t.equals("fake") ? Optional.of(fake)
                : Optional.empty());
        executors.put(node, e);
        return self;
    }

    @AfterEach
    void stop() {
        executors.values().forEach(Executor::close);
        workers.shutdownNow();
    }

    private List<Action> settle() {
        List<Action> done = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            FailoverController.RunResult r = controller.runOnce();
            assertThat(r.stoppedBecause()).as(r.plan().render()).isEmpty();
            if (r.executed() == 0) {
                return done;
            }
            done.addAll(r.plan().actions());
            for (ResourceId res : List.of(ResourceId.of("app"), ResourceId.of("db"))) {
                assertThat(agent1.running.contains(res) && agent2.running.contains(res)).as(res + " twice").isFalse();
            }
        }
        throw new AssertionError("did not settle: " + controller.plan().render());
    }

    /** Moves the clock and waits until every bound check reported again. */
    private void tick(Duration d) {
        Map<Executor, Map<ResourceId, Instant>> before = new java.util.HashMap<>();
        for (Executor e : executors.values()) {
            Map<ResourceId, Instant> at = new java.util.HashMap<>();
            e.monitorStatuses().forEach((id, st) -> at.put(id, st.at()));
            before.put(e, at);
        }
        clock.advance(d);
        for (Executor e : before.keySet()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> before.get(e).entrySet().stream().allMatch(x -> {
                MonitorStatus st = e.monitorStatuses().get(x.getKey());
                return st == null || st.at().isAfter(x.getValue());
            }));
        }
    }

    private MonitorStatus status(NodeId n) {
        return executors.get(n).monitorStatuses().get(RO);
    }

    private String published(NodeId n) {
        return table.health(n, RO).map(r -> r.result().reason()).orElse("");
    }

    private List<String> texts() {
        return history.timeline(Optional.empty()).stream().map(History.Entry::text).toList();
    }

    private static List<String> summaries(List<Action> actions) {
        return actions.stream().map(Action::summary).toList();
    }

    private static final String TWO_GROUPS = """
            resource app type=flag monitor-interval=1h
            resource db type=flag monitor-interval=1h
            group web resources=app nodes=node2,node1
            group data resources=db nodes=node2,node1
            monitor ro type=fake on=node target=web on-fail=reboot interval=5s timeout=2s count=2 path=/
            """;

    @Test
    void everyGroupMovesOffFirstThenTheNodeRebootsItselfOnceAndComesBackEligible() throws Exception {
        cluster(TWO_GROUPS);
        settle();
        assertThat(agent2.running).containsExactlyInAnyOrder(ResourceId.of("app"), ResourceId.of("db"));

        fake2.fail("/ is mounted read-only (ext4 errors=remount-ro)");
        tick(Duration.ofSeconds(5));
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.FAILING);
        assertThat(settle()).as("one failed check of two: nothing yet").isEmpty();
        tick(Duration.ofSeconds(5));
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.FAILED);
        assertThat(reboot2.calls).as("web and db still run on node2").isEmpty();
        assertThat(self2.state()).contains("node2 reboots itself once nothing runs here; still here: app running, "
                + "db running");
        assertThat(published(N2)).contains("FAILED (2 in a row): monitor ro: / is mounted read-only")
                .contains("on-fail=reboot: node2 is not eligible for any group and reboots itself once nothing runs");

        // the coordinator moves both groups (data too, though the binding names web): stop first, then start
        List<Action> moved = settle();
        assertThat(summaries(moved)).containsExactlyInAnyOrder("stop web/app on node2 (move)",
                "start web/app on node1 (move)", "stop data/db on node2 (move)", "start data/db on node1 (move)");
        assertThat(moved).filteredOn(a -> a.op() == Action.Op.START).allSatisfy(a -> assertThat(a.reason())
                .contains("node2 fails a node-health check of").contains("monitor ro: / is mounted read-only"));
        await().atMost(Duration.ofSeconds(5)).until(() -> reboot2.calls.size() == 1);
        assertThat(reboot2.calls.get(0)).contains("node2 runs []: self-reboot of node2 (on-fail=reboot): FAILED "
                + "(2 in a row): monitor ro: / is mounted read-only");
        assertThat(agent1.running).containsExactlyInAnyOrder(ResourceId.of("app"), ResourceId.of("db"));
        assertThat(Files.readAllLines(guard(N2).file())).singleElement().asString()
                .contains("monitor ro: / is mounted read-only");
        assertThat(texts()).anyMatch(t -> t.startsWith("rebooting node2 now (1 of at most 2 self-reboots within 1 h"));
        assertThat(reboot1.calls).isEmpty();

        // the machine takes a while to go down: more failed checks reboot nothing more
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertThat(reboot2.calls).hasSize(1);
        assertThat(published(N2)).contains("on-fail=reboot: node2 is rebooting");

        // node2 comes back cured: still not eligible until its first check passes, then web and data fail back
        fake2.heal();
        self2 = node(N2, agent2, fake2, reboot2);
        assertThat(table.health(N2, RO)).as("said at start, for a coordinator that forgot the ban")
                .hasValueSatisfying(r -> assertThat(r.result().reason()).startsWith("PENDING: monitor ro: first "
                        + "check in 5000 ms; on-fail=reboot: node2 rebooted itself at ")
                        .endsWith("and is not eligible for any group until a check passes"));
        assertThat(settle()).as("the ban stands until a check passes").isEmpty();
        tick(Duration.ofSeconds(5));
        assertThat(summaries(settle())).containsExactlyInAnyOrder("stop web/app on node1 (failback)",
                "start web/app on node2 (failback)", "stop data/db on node1 (failback)",
                "start data/db on node2 (failback)");
        assertThat(reboot2.calls).hasSize(1);
    }

    @Test
    void whenNoOtherNodeIsEligibleTheGroupsStopAndTheNodeStillReboots() throws Exception {
        cluster(TWO_GROUPS.replace("nodes=node2,node1", "nodes=node2"));
        settle();
        fake2.fail("kernel reports hung tasks");
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertThat(summaries(settle())).containsExactlyInAnyOrder("stop web/app on node2 (stop)",
                "stop data/db on node2 (stop)");
        await().atMost(Duration.ofSeconds(5)).until(() -> reboot2.calls.size() == 1);
        assertThat(reboot2.calls.get(0)).startsWith("node1 runs [], node2 runs []");
    }

    @Test
    void theGuardTripsAtTheThirdRebootWithinTheWindowSurvivesRestartsAndSaysSoLoudly() throws Exception {
        cluster(TWO_GROUPS);
        settle();
        fake2.fail("/ is read-only");
        Instant t0 = wall.instant();
        for (int i = 1; i <= 2; i++) {
            tick(Duration.ofSeconds(5));
            if (i == 2) {
                // back from the first reboot, still failing: one failed check of two keeps the ban (it is no
                // clean check), so web and data stay on node1 instead of failing back for a moment
                assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.FAILING);
                assertThat(table.health(N2, RO)).hasValueSatisfying(r -> assertThat(r.state())
                        .isEqualTo(org.duplex.api.model.ResourceState.FAILED));
                assertThat(published(N2)).contains("FAILING (1 of 2)").contains("rebooted itself at");
                assertThat(settle()).isEmpty();
                assertThat(reboot2.calls).hasSize(1);
            }
            tick(Duration.ofSeconds(5));
            settle();
            int n = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> reboot2.calls.size() == n);
            // the reboot: a new JVM (new executor, new guard reading the same file), the fault not cured
            wallOffset = wallOffset.plusMinutes(10); // down for ten minutes (the wall clock moves on)
            self2 = node(N2, agent2, fake2, reboot2);
        }
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.FAILED);
        assertThat(reboot2.calls).as("third within the hour: refused").hasSize(2);
        assertThat(self2.state()).startsWith("self-reboot of node2 REFUSED: 2 self-reboot(s) within 1 h already")
                .contains("reboot loop guard tripped").contains("node2 stays up and not eligible for any group");
        assertThat(published(N2)).as("what ha:monitor-show and ha:status print")
                .contains("self-reboot REFUSED (2 self-reboot(s) within 1 h already");
        assertThat(texts()).filteredOn(t -> t.startsWith("self-reboot of node2 REFUSED")).hasSize(1);
        assertThat(agent2.running).isEmpty();
        assertThat(agent1.running).hasSize(2);
        assertThat(settle()).as("stays ineligible").isEmpty();

        // more checks: still refused, said once
        tick(Duration.ofSeconds(5));
        assertThat(texts()).filteredOn(t -> t.startsWith("self-reboot of node2 REFUSED")).hasSize(1);

        // an hour after the first reboot the window has room again: the next failure reboots
        wallOffset = wallOffset.plus(Duration.between(wall.instant(), t0.plus(Duration.ofHours(1)).plusSeconds(30)));
        tick(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> reboot2.calls.size() == 3);
    }

    @Test
    void anUnknownVerdictOrAMissingTypeNeverReboots() throws Exception {
        cluster(TWO_GROUPS.replace("nodes=node2,node1", "nodes=node1,node2"));
        settle();
        assertThat(agent2.running).isEmpty();
        fake2.fail("read-only");
        tick(Duration.ofSeconds(5));
        fake2.health = Health.UNKNOWN;
        fake2.reason = "cannot stat /";
        for (int i = 0; i < 4; i++) {
            tick(Duration.ofSeconds(5));
        }
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.UNKNOWN);
        typeInstalled = false;
        for (int i = 0; i < 4; i++) {
            tick(Duration.ofSeconds(5));
        }
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.TYPE_MISSING);
        self2.poll();
        assertThat(reboot2.calls).isEmpty();
        assertThat(Files.exists(guard(N2).file())).isFalse();
    }

    @Test
    void aNodeWithoutQuorumDoesNotRebootUntilItHasQuorumAgain() throws Exception {
        cluster(TWO_GROUPS.replace("nodes=node2,node1", "nodes=node1,node2"));
        settle();
        node2Quorate = false;
        fake2.fail("read-only");
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        assertThat(status(N2).state()).isEqualTo(MonitorStatus.State.FAILED);
        assertThat(reboot2.calls).isEmpty();
        assertThat(self2.state()).startsWith("node2 does not reboot itself: no quorum (1 of 3 votes, 2 needed)");
        assertThat(Files.exists(guard(N2).file())).isFalse();

        node2Quorate = true;
        self2.poll(); // production: every decision round polls, and a quorum change triggers one
        assertThat(reboot2.calls).hasSize(1);
    }

    @Test
    void aStopThatCannotBeConfirmedKeepsTheNodeUp() throws Exception {
        cluster(TWO_GROUPS);
        settle();
        agent2.stopFails = true;
        fake2.fail("read-only");
        tick(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(5));
        FailoverController.RunResult first = controller.runOnce();
        assertThat(first.stoppedBecause()).as("the stop is escalated and stays unconfirmed")
                .hasValueSatisfying(w -> assertThat(w).contains("umount: target is busy"));
        for (int i = 0; i < 3; i++) {
            controller.runOnce(); // the group is blocked on node2 (no fencing device here)
        }
        assertThat(controller.plan().actions()).anyMatch(a -> a.op() == Action.Op.BLOCK);
        assertThat(executors.get(N2).stillHere()).hasValueSatisfying(w -> assertThat(w).contains("blocked"));
        tick(Duration.ofSeconds(5));
        self2.poll();
        assertThat(reboot2.calls).as("what runs on node2 is not known: no reboot, escalated as any stop").isEmpty();
        assertThat(self2.state()).contains("still here").contains("blocked");
        assertThat(agent1.running).as("never two copies").isEmpty();
    }

    @Test
    void theExecutorSaysWhatStillRunsOnItsNode() throws Exception {
        cluster(TWO_GROUPS);
        settle();
        assertThat(executors.get(N2).stillHere()).contains("app running, db running");
        assertThat(executors.get(N1).stillHere()).isEmpty();
    }
}
