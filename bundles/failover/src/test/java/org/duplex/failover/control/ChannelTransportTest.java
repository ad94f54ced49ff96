package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.failover.ExecutionChannel;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.SystemScheduler;
import org.duplex.failover.history.History;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator on node1 drives node2's executor through an {@link ExecutionChannel} (in memory here, the
 * cluster's messaging in production): orders go out with the epoch, node2's monitor failure comes back as a
 * published report and leads to a restart, and a stale epoch is refused on node2.
 */
class ChannelTransportTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId APP = ResourceId.of("app");

    /** In-memory channel between executors in this JVM. */
    static final class LoopbackChannel {
        final Map<NodeId, Function<ResourceCommand, CompletableFuture<ResourceReport>>> servers =
                new ConcurrentHashMap<>();
        final List<Consumer<ResourceReport>> listeners = new CopyOnWriteArrayList<>();

        ExecutionChannel endpoint(NodeId self) {
            return new ExecutionChannel() {
                @Override
                public CompletableFuture<ResourceReport> send(NodeId node, ResourceCommand command) {
                    var server = servers.get(node);
                    return server == null ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                            : server.apply(command);
                }

                @Override
                public AutoCloseable serve(Function<ResourceCommand, CompletableFuture<ResourceReport>> executor) {
                    servers.put(self, executor);
                    return () -> servers.remove(self);
                }

                @Override
                public void publish(ResourceReport report) {
                    listeners.forEach(l -> l.accept(report));
                }

                @Override
                public AutoCloseable onReport(Consumer<ResourceReport> listener) {
                    listeners.add(listener);
                    return () -> listeners.remove(listener);
                }
            };
        }
    }

    /** Running or not, per node, in memory. */
    static final class FlagAgent implements ResourceAgent {
        volatile boolean running;

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
            running = true;
            return OperationResult.success("up", Duration.ZERO);
        }

        @Override
        public OperationResult stop(Resource r, Duration t) {
            running = false;
            return OperationResult.success("down", Duration.ZERO);
        }

        @Override
        public OperationResult monitor(Resource r, Duration t) {
            return OperationResult.of(running ? OcfStatus.SUCCESS : OcfStatus.NOT_RUNNING, "flag", Duration.ZERO);
        }
    }

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final SystemScheduler scheduler = new SystemScheduler(Clock.systemUTC());

    @AfterEach
    void stop() {
        scheduler.close();
        workers.shutdownNow();
    }

    @Test
    void coordinatorDrivesAPeersExecutorThroughTheChannel() throws Exception {
        String cfg = "resource app type=flag monitor-interval=100ms\ngroup web resources=app nodes=node2,node1\n";
        FileConfigStore store1 = new FileConfigStore(Optional.empty());
        store1.save(store1.load(), ConfigText.parse(cfg));
        FileConfigStore store2 = new FileConfigStore(Optional.empty());
        store2.save(store2.load(), ConfigText.parse(cfg));

        LoopbackChannel net = new LoopbackChannel();
        ExecutionChannel ch1 = net.endpoint(N1);
        ExecutionChannel ch2 = net.endpoint(N2);
        FlagAgent agent2 = new FlagAgent();
        StateTable table1 = new StateTable(10);
        History h = new History(100);
        Executor exec1 = new Executor(N1, t -> Optional.of(new FlagAgent()), scheduler, workers, r -> { }, h,
                Optional.empty(), w -> { });
        Executor exec2 = new Executor(N2, t -> Optional.of(agent2), scheduler, workers,
                r -> ch2.publish(ChannelTransport.toApi(r)), h, Optional.empty(), w -> { });
        ch2.serve(ChannelTransport.server(N2, exec2, store2::load));
        ch1.onReport(r -> table1.apply(ChannelTransport.fromApi(r)));

        FailoverController coordinator = new FailoverController(store1, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(5), Set.of(N1, N2), 2, 3, "2 of 3");
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
        }, table1, h, new ChannelTransport(N1, exec1, ch1), Fencer.NONE, Clock.systemUTC());

        FailoverController.RunResult first = coordinator.runOnce();
        assertThat(first.plan().actions()).as("never heard from: probe both nodes first").extracting(a -> a.summary())
                .containsExactly("probe web/app on node2 (probe)", "probe web/app on node1 (probe)");
        assertThat(coordinator.runOnce().executed()).isEqualTo(1);
        assertThat(agent2.running).isTrue();
        assertThat(table1.states().get(N2)).containsEntry(APP, ResourceState.RUNNING);

        // node2's monitor notices a failure; the published report reaches the coordinator, which restarts
        agent2.running = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> table1.states().get(N2).get(APP) == ResourceState.FAILED);
        assertThat(table1.failures()).hasSize(1);
        FailoverController.RunResult restart = coordinator.runOnce();
        assertThat(restart.plan().actions()).extracting(a -> a.summary())
                .containsExactly("stop web/app on node2 (restart)", "start web/app on node2 (restart)");
        assertThat(agent2.running).isTrue();

        // a stale coordinator's order is refused on node2
        Resource app = store2.load().resources().get(APP);
        ResourceReport stale = ch1.send(N2, new ResourceCommand(ResourceCommand.Kind.STOP, APP, Optional.empty(),
                new FencingEpoch(4), "stale")).get();
        assertThat(stale.operation()).isEqualTo("refused");
        assertThat(agent2.running).isTrue();
        assertThat(app).isNotNull();
        exec1.close();
        exec2.close();
    }

    @Test
    void failuresOnAMaintenanceNodeAreNotCounted() throws Exception {
        FileConfigStore store = new FileConfigStore(Optional.empty());
        store.save(store.load(), ConfigText.parse("resource app type=flag\ngroup g resources=app nodes=node1\n"));
        StateTable table = new StateTable(10);
        History h = new History(10);
        FailoverController c = new FailoverController(store, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(1), Set.of(N1), 1, 1, "one");
            }

            @Override
            public Map<NodeId, Node> nodes() {
                return Map.of(N1, new Node(N1, NodeRole.MEMBER, NodeMode.MAINTENANCE, Liveness.ALIVE));
            }

            @Override
            public Map<NodeId, String> notes() {
                return Map.of();
            }
        }, table, h, new LocalTransport(Map.of()), Fencer.NONE, Clock.systemUTC());
        c.onReport(new org.duplex.failover.executor.Report(N1, APP, Optional.of(ResourceId.of("g")), "monitor",
                OperationResult.of(OcfStatus.NOT_RUNNING, "gone", Duration.ZERO), ResourceState.FAILED, true,
                java.time.Instant.now()));
        assertThat(table.states().get(N1)).containsEntry(APP, ResourceState.FAILED);
        assertThat(table.failures()).isEmpty();
        assertThat(h.timeline(Optional.empty())).extracting(History.Entry::text)
                .anyMatch(t -> t.startsWith("not counted (maintenance or unmanaged)"));
    }

    @Test
    void aResourceWithoutAgentLeavesItsGroupWaitingInsteadOfSpinning() throws Exception {
        FileConfigStore store = new FileConfigStore(Optional.empty());
        store.save(store.load(), ConfigText.parse("resource odd type=nosuch\ngroup g resources=odd nodes=node1\n"));
        History h = new History(100);
        Executor exec = new Executor(N1, t -> Optional.empty(), scheduler, workers, r -> { }, h, Optional.empty(),
                w -> { });
        FailoverController c = new FailoverController(store, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(1), Set.of(N1), 1, 1, "one");
            }

            @Override
            public Map<NodeId, Node> nodes() {
                return Map.of(N1, new Node(N1, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
            }

            @Override
            public Map<NodeId, String> notes() {
                return Map.of();
            }
        }, new StateTable(10), h, new LocalTransport(Map.of(N1, exec)), Fencer.NONE, Clock.systemUTC());
        FailoverController.RunResult r = c.runOnce();
        assertThat(r.executed()).isZero();
        assertThat(r.stoppedBecause()).hasValueSatisfying(s -> assertThat(s).contains("no agent for type 'nosuch'"));
        assertThat(c.plan().actions()).extracting(a -> a.summary()).containsExactly("probe g/odd on node1 (probe)");
        exec.close();
    }
}
