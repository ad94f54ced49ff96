package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.duplex.api.agent.PromotableAgent;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.SystemScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine, controller and three executors in one JVM running a promotable resource end to end: the executors run
 * PROMOTE and FOLLOW, report STANDBY and the agents' positions, and the controller feeds them to the engine.
 * The agent is a replicated log kept in memory (one list of entries per node; the real PostgreSQL agent is
 * tested against real servers in plugins/postgresql), which records every moment two copies were primaries.
 */
class PromotableFailoverTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");
    private static final ResourceId DB = ResourceId.of("db");

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final SystemScheduler scheduler = new SystemScheduler(Clock.systemUTC());
    private final History history = new History(500);
    private final StateTable table = new StateTable(100);
    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final Map<NodeId, Copy> world = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<NodeId, Executor> executors = new LinkedHashMap<>();
    private volatile QuorumState quorum;
    private FailoverController controller;

    /** One node's copy of the replicated log. */
    static final class Copy {
        ReplicaStatus.Role role = ReplicaStatus.Role.STOPPED;
        long generation = 1;
        final List<Integer> log = new ArrayList<>();
        NodeId following;
    }

    /** A replicated log as a promotable agent: what PostgreSQL streaming replication does, in memory. */
    final class LogAgent implements PromotableAgent {
        private final NodeId node;

        LogAgent(NodeId node) {
            this.node = node;
        }

        private Copy me() {
            return world.computeIfAbsent(node, k -> new Copy());
        }

        @Override
        public String type() {
            return "log";
        }

        @Override
        public List<String> validate(Resource resource, Duration timeout) {
            return List.of();
        }

        @Override
        public synchronized OperationResult start(Resource resource, Duration timeout) {
            if (me().role == ReplicaStatus.Role.STANDBY) {
                me().generation++;
            }
            me().role = ReplicaStatus.Role.PRIMARY;
            checkOnePrimary("start on " + node);
            return OperationResult.success("primary", Duration.ZERO);
        }

        @Override
        public OperationResult stop(Resource resource, Duration timeout) {
            me().role = ReplicaStatus.Role.STOPPED;
            return OperationResult.success("stopped", Duration.ZERO);
        }

        @Override
        public OperationResult monitor(Resource resource, Duration timeout) {
            return me().role == ReplicaStatus.Role.STOPPED
                    ? OperationResult.of(OcfStatus.NOT_RUNNING, "stopped", Duration.ZERO)
                    : OperationResult.success("running", Duration.ZERO);
        }

        @Override
        public synchronized OperationResult follow(Resource resource, NodeId primary, Duration timeout) {
            if (me().role == ReplicaStatus.Role.PRIMARY) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "runs as a primary", Duration.ZERO);
            }
            Copy p = world.get(primary);
            if (p == null || p.role != ReplicaStatus.Role.PRIMARY) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, primary + " is no primary", Duration.ZERO);
            }
            // rewind onto the primary's history, then catch up
            me().log.clear();
            me().log.addAll(p.log);
            me().generation = p.generation;
            me().following = primary;
            me().role = ReplicaStatus.Role.STANDBY;
            return OperationResult.success("standby of " + primary, Duration.ZERO);
        }

        @Override
        public synchronized OperationResult promote(Resource resource, Duration timeout) {
            if (me().role == ReplicaStatus.Role.STOPPED) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "stopped", Duration.ZERO);
            }
            if (me().role == ReplicaStatus.Role.STANDBY) {
                me().generation++;
                me().following = null;
            }
            me().role = ReplicaStatus.Role.PRIMARY;
            checkOnePrimary("promote on " + node);
            return OperationResult.success("promoted to generation " + me().generation, Duration.ZERO);
        }

        @Override
        public ReplicaStatus status(Resource resource, Duration timeout) {
            Copy c = me();
            return new ReplicaStatus(c.role, Optional.of(new ReplicationPosition(c.generation, c.log.size(),
                    "entries", c.log.size() + " on generation " + c.generation)),
                    Optional.ofNullable(c.following).map(NodeId::value), c.role.name().toLowerCase());
        }
    }

    private void checkOnePrimary(String when) {
        long primaries = world.entrySet().stream().filter(e -> e.getValue().role == ReplicaStatus.Role.PRIMARY
                && nodes.get(e.getKey()).liveness() != Liveness.DEAD).count();
        if (primaries > 1) {
            violations.add(when + ": " + primaries + " primaries");
        }
    }

    @BeforeEach
    void cluster() throws Exception {
        Path cfg = dir.resolve("failover.conf");
        // priority node1, node3, node2: the failover must follow positions, not this order
        Files.writeString(cfg, String.join("\n",
                "resource db type=log promotable=true promote-max-lag=3 monitor-interval=100ms",
                "group g resources=db nodes=node1,node3,node2 failback=manual", ""));
        FileConfigStore store = new FileConfigStore(Optional.of(cfg));
        for (NodeId n : List.of(N1, N2, N3)) {
            LogAgent agent = new LogAgent(n);
            executors.put(n, new Executor(n, t -> Optional.of(agent), scheduler, workers, r -> table.apply(r),
                    history, Optional.empty(), why -> { }));
            nodes.put(n, new Node(n, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
        }
        controller = new FailoverController(store, new FailoverController.ClusterView() {
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
                return Map.of();
            }
        }, table, history, new LocalTransport(Map.copyOf(executors)), Fencer.NONE, Clock.systemUTC());
        quorum = quorate(N2, 3);
    }

    private static QuorumState quorate(NodeId coordinator, long epoch) {
        return new QuorumState(coordinator, true, Optional.of(coordinator), new FencingEpoch(epoch),
                Set.of(N1, N2, N3), 2, 3, "2 of 3 votes");
    }

    @AfterEach
    void cleanup() {
        executors.values().forEach(Executor::close);
        scheduler.close();
        workers.shutdownNow();
    }

    private void settle() {
        for (int i = 0; i < 8; i++) {
            FailoverController.RunResult r = controller.runOnce();
            assertThat(r.stoppedBecause()).as(r.plan().render()).isEmpty();
            if (r.executed() == 0) {
                return;
            }
        }
        throw new AssertionError("did not settle: " + controller.plan().render());
    }

    private ResourceState state(NodeId n) {
        return table.states().getOrDefault(n, Map.of()).getOrDefault(DB, ResourceState.STOPPED);
    }

    /** A commit on the primary, replicated to the given standbys (the others lag). */
    private void write(int entry, NodeId primary, NodeId... replicatedTo) {
        world.get(primary).log.add(entry);
        for (NodeId s : replicatedTo) {
            world.get(s).log.add(entry);
        }
    }

    /** Waits until every running copy's monitor has reported its position since now. */
    private void freshReports() {
        java.time.Instant since = java.time.Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> world.entrySet().stream()
                .filter(e -> e.getValue().role != ReplicaStatus.Role.STOPPED)
                .allMatch(e -> table.replicas().getOrDefault(DB, Map.of()).containsKey(e.getKey())
                        && table.replicas().get(DB).get(e.getKey()).at().isAfter(since)
                        && table.replicas().get(DB).get(e.getKey()).status().position().orElseThrow().offset()
                        == e.getValue().log.size()));
    }

    @Test
    void theMostAdvancedStandbyIsPromotedTheOthersFollowAndTheOldPrimaryRejoins() throws Exception {
        settle();
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);
        assertThat(state(N2)).isEqualTo(ResourceState.STANDBY);
        assertThat(state(N3)).isEqualTo(ResourceState.STANDBY);
        assertThat(world.get(N2).following).isEqualTo(N1);

        for (int i = 1; i <= 10; i++) {
            write(i, N1, N2, N3);
        }
        write(11, N1, N2); // node3 lags by one entry, within promote-max-lag=3
        freshReports();
        assertThat(table.replicas().get(DB).get(N2).status().position().orElseThrow().offset()).isEqualTo(11);
        assertThat(table.replicas().get(DB).get(N3).status().position().orElseThrow().offset()).isEqualTo(10);

        // node1 dies with its copy
        world.get(N1).role = ReplicaStatus.Role.STOPPED;
        executors.get(N1).unmonitor(DB);
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));
        quorum = quorate(N2, 4);
        settle();
        assertThat(state(N2)).as("node2 is last in priority but has the most").isEqualTo(ResourceState.RUNNING);
        assertThat(world.get(N2).role).isEqualTo(ReplicaStatus.Role.PRIMARY);
        assertThat(world.get(N2).generation).isEqualTo(2);
        assertThat(state(N3)).isEqualTo(ResourceState.STANDBY);
        assertThat(world.get(N3).following).as("node3 pointed at the new primary").isEqualTo(N2);
        assertThat(world.get(N3).log).hasSize(11);
        assertThat(history.timeline(Optional.of(ResourceId.of("g")))).extracting(History.Entry::text)
                .anyMatch(t -> t.contains("promote g/db on node2 (recover)")
                        && t.contains("node2 has the most advanced copy of db (11 on generation 1)"));

        write(12, N2, N3);
        // node1 returns: its copy (generation 1) is never made primary again; it rejoins as a standby
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.ALIVE));
        quorum = quorate(N2, 5);
        settle();
        freshReports();
        settle();
        assertThat(state(N2)).isEqualTo(ResourceState.RUNNING);
        assertThat(state(N1)).isEqualTo(ResourceState.STANDBY);
        assertThat(world.get(N1).following).isEqualTo(N2);
        assertThat(world.get(N1).log).hasSize(12);
        assertThat(violations).isEmpty();
    }

    @Test
    void aSwitchoverPromotesTheTargetsStandbyAndTheOldPrimaryFollowsIt() throws Exception {
        settle();
        for (int i = 1; i <= 5; i++) {
            write(i, N1, N2, N3);
        }
        freshReports();
        // the standbys on node2 and node3 are clean: the switchover promotes node3's instead of starting it
        FailoverController.SwitchoverResult sw = controller.switchover(ResourceId.of("g"), Optional.of(N3));
        assertThat(sw.from()).isEqualTo(N1);
        assertThat(sw.steps()).anySatisfy(step -> assertThat(step).startsWith("stop g/db on node1").endsWith(")"))
                .anySatisfy(step -> assertThat(step).startsWith("promote g/db on node3").contains(": ok"));
        assertThat(world.get(N3).role).isEqualTo(ReplicaStatus.Role.PRIMARY);
        assertThat(world.get(N3).generation).isEqualTo(2);
        assertThat(world.get(N3).log).hasSize(5);
        // the engine's next rounds: the stopped old primary and the other standby follow node3
        settle();
        freshReports();
        settle();
        assertThat(state(N3)).isEqualTo(ResourceState.RUNNING);
        assertThat(state(N1)).isEqualTo(ResourceState.STANDBY);
        assertThat(world.get(N1).following).isEqualTo(N3);
        assertThat(world.get(N2).following).isEqualTo(N3);
        assertThat(controller.plan().actions()).as("the engine agrees with the switchover").isEmpty();
        assertThat(violations).isEmpty();

        // a stopped copy is no standby to promote: refused, nothing touched
        world.get(N2).role = ReplicaStatus.Role.STOPPED;
        executors.get(N2).unmonitor(DB);
        table.apply(new org.duplex.failover.executor.Report(N2, DB, Optional.of(ResourceId.of("g")), "monitor",
                OperationResult.of(OcfStatus.NOT_RUNNING, "stopped", Duration.ZERO), ResourceState.STOPPED, false,
                java.time.Instant.now()));
        assertThatThrownBy(() -> controller.switchover(ResourceId.of("g"), Optional.of(N2)))
                .hasMessageContaining("db is stopped on node2, not a standby: a switchover of g promotes the standby");
        assertThat(world.get(N3).role).isEqualTo(ReplicaStatus.Role.PRIMARY);
    }

    @Test
    void aStandbyTooFarBehindIsNotPromotedAndTheHistorySaysWhatIsAtRisk() throws Exception {
        settle();
        for (int i = 1; i <= 10; i++) {
            write(i, N1, N2); // node3 is 10 entries behind, limit 3
        }
        freshReports();
        // a planned move follows the same rule: refused before anything is stopped
        assertThatThrownBy(() -> controller.switchover(ResourceId.of("g"), Optional.of(N3)))
                .hasMessageContaining("switchover of g to node3 refused: node3 is not promoted: node3 is 10 entries")
                .hasMessageContaining("promote-force=node3");
        assertThat(world.get(N1).role).isEqualTo(ReplicaStatus.Role.PRIMARY);
        assertThat(state(N1)).isEqualTo(ResourceState.RUNNING);
        world.get(N1).role = ReplicaStatus.Role.STOPPED;
        world.get(N2).role = ReplicaStatus.Role.STOPPED; // the good standby dies too
        executors.get(N1).unmonitor(DB);
        executors.get(N2).unmonitor(DB);
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));
        nodes.put(N2, nodes.get(N2).withLiveness(Liveness.DEAD));
        quorum = new QuorumState(N3, true, Optional.of(N3), new FencingEpoch(4), Set.of(N3), 2, 3, "forced");
        settle();
        assertThat(world.get(N3).role).isEqualTo(ReplicaStatus.Role.STANDBY);
        assertThat(controller.plan().notes()).anyMatch(n -> n.contains("node3 is not promoted: node3 is 10 entries "
                + "(limit promote-max-lag=3) behind node1 (10 on generation 1") && n.contains("promote-force=node3"));
        assertThat(violations).isEmpty();
    }
}
