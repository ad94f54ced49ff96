package org.duplex.failover.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
import org.duplex.failover.agent.vip.VipAgent;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.control.LocalTransport;
import org.duplex.failover.control.StateTable;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceDeviceConfig;
import org.duplex.failover.fence.FenceDeviceTypes;
import org.duplex.failover.fence.FenceDevices;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.service.FailoverService;
import org.duplex.failover.store.FailoverConfigStore;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command logic against a real store and controller (no Karaf): clear errors, persisted changes. */
class CommandsTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");

    @TempDir
    Path dir;

    private FileConfigStore store;
    private FailoverController controller;
    private Commands cmd;
    private org.duplex.failover.admin.AdminView admin;
    private final StateTable table = new StateTable(10);
    private final FenceDevices devices = new FenceDevices();

    @BeforeEach
    void setUp() throws IOException {
        store = new FileConfigStore(Optional.of(dir.resolve("failover.conf")));
        History history = new History(10);
        controller = new FailoverController(store, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return new QuorumState(N1, true, Optional.of(N1), new FencingEpoch(2), Set.of(N1, N2), 2, 2, "2 of 2");
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
        }, table, history, new LocalTransport(Map.of()), devices, Clock.systemUTC());
        // both nodes already reported in this coordinator term that nothing runs there (else the engine probes
        // first): the term opens with the first snapshot, which makes every member's state unknown
        controller.snapshot();
        table.clearNode(N1);
        table.clearNode(N2);
        VipAgent vip = new VipAgent();
        coordinator = new FailoverService() {
            @Override
            public FailoverConfigStore store() {
                return store;
            }

            @Override
            public Plan plan() {
                return controller.plan();
            }

            @Override
            public FailoverController.Simulation simulate(Optional<NodeId> failedNode) {
                return controller.simulation(failedNode);
            }

            @Override
            public FailoverController.Simulation simulate(Set<NodeId> failedNodes,
                                                          Optional<org.duplex.failover.model.FailoverConfig> c) {
                return controller.simulation(failedNodes, c);
            }

            @Override
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target)
                    throws IOException {
                return controller.switchover(group, target);
            }

            @Override
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target,
                                                                  boolean reorder, String by) throws IOException {
                return controller.switchover(group, target, reorder, by);
            }

            @Override
            public Optional<org.duplex.failover.model.Placement> clearPlacement(ResourceId group, String by)
                    throws IOException {
                return controller.clearPlacement(group, by);
            }

            @Override
            public int cleanup(ResourceId resource) {
                return controller.cleanup(resource);
            }

            @Override
            public List<History.Entry> history(Optional<ResourceId> group) {
                return history.timeline(group);
            }

            @Override
            public Map<NodeId, Map<ResourceId, ResourceState>> states() {
                return table.states();
            }

            @Override
            public List<Failure> failures() {
                return table.failures();
            }

            @Override
            public Optional<ResourceAgent> agent(String type) {
                return type.equals("vip") ? Optional.of(vip) : Optional.empty();
            }

            @Override
            public void trigger() {
            }

            @Override
            public List<FenceDevice> fenceDevices() {
                return devices.devices();
            }

            @Override
            public Set<NodeId> nodesWithoutFencing() {
                return controller.nodesWithoutFencing();
            }

            @Override
            public org.duplex.failover.control.FailoverCounters counters() {
                return controller.counters();
            }

            @Override
            public Map<NodeId, Map<ResourceId, org.duplex.failover.executor.Report>> monitorResults() {
                return table.health();
            }

            @Override
            public Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas() {
                return table.replicas();
            }

            @Override
            public List<FenceResult> fence(NodeId node, FenceAction action) throws InterruptedException {
                List<FenceResult> rs = devices.run(node, action);
                controller.fencedByOperator(node, action.word(), action == FenceAction.OFF
                        && rs.stream().anyMatch(FenceResult::ok), rs.toString());
                return rs;
            }
        };
        cmd = new Commands(coordinator);
        admin = new org.duplex.failover.admin.AdminView(coordinator);
    }

    private FailoverService coordinator;

    /**
     * node2's commands: switchover and cleanup must be forwarded to the coordinator (node1), here through the real
     * handler the coordinator serves (the cluster channel carrying it is tested in CrossNodeExecutionTest).
     */
    private Commands onNode2(List<org.duplex.api.failover.OperatorRequest> forwarded) {
        return new Commands(onNode2FailoverService(forwarded));
    }

    private FailoverService onNode2FailoverService(List<org.duplex.api.failover.OperatorRequest> forwarded) {
        OperatorRequestHandler handler = new OperatorRequestHandler(coordinator);
        return new FailoverService() {
            @Override
            public Optional<NodeId> forwardTo() {
                return Optional.of(N1);
            }

            @Override
            public String forward(String operation, List<String> arguments) {
                var r = new org.duplex.api.failover.OperatorRequest(operation, arguments, "admin on node2");
                forwarded.add(r);
                return handler.apply(r);
            }

            @Override
            public FailoverConfigStore store() {
                return store;
            }

            @Override
            public Plan plan() {
                return coordinator.plan();
            }

            @Override
            public FailoverController.Simulation simulate(Optional<NodeId> failedNode) {
                return coordinator.simulate(failedNode);
            }

            @Override
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target) {
                throw new AssertionError("a switchover on node2 must be forwarded to the coordinator");
            }

            @Override
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target,
                                                                  boolean reorder, String by) {
                throw new AssertionError("a switchover on node2 must be forwarded to the coordinator");
            }

            @Override
            public int cleanup(ResourceId resource) {
                throw new AssertionError("a cleanup on node2 must be forwarded to the coordinator");
            }

            @Override
            public List<History.Entry> history(Optional<ResourceId> group) {
                return coordinator.history(group);
            }

            @Override
            public Map<NodeId, Map<ResourceId, ResourceState>> states() {
                return coordinator.states();
            }

            @Override
            public List<Failure> failures() {
                return coordinator.failures();
            }

            @Override
            public Optional<ResourceAgent> agent(String type) {
                return coordinator.agent(type);
            }

            @Override
            public void trigger() {
            }
        };
    }

    @Test
    void switchoverAndCleanupTypedOnAnotherNodeRunOnTheCoordinator() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("a"), ResourceState.FAILED);
        List<org.duplex.api.failover.OperatorRequest> forwarded = new java.util.ArrayList<>();
        Commands node2 = onNode2(forwarded);

        assertThat(node2.cleanup("a")).startsWith("forwarded to the coordinator node1:")
                .contains("a: ").contains("failure(s) forgotten (asked by admin on node2)");
        assertThat(forwarded).extracting(r -> r.operation() + " " + r.arguments()).containsExactly("cleanup [a]");
        assertThat(cmd.history(Optional.empty(), 10)).contains("cleanup by the operator");

        // the coordinator's refusal reaches node2's operator with its reason
        assertThatThrownBy(() -> node2.switchover("nope", Optional.empty())).hasMessageContaining("no group nope");
        assertThatThrownBy(() -> node2.cleanup("ghost")).hasMessageContaining("no resource ghost");
        assertThat(forwarded).extracting(r -> r.operation() + " " + r.arguments())
                .containsExactly("cleanup [a]", "switchover [nope]", "cleanup [ghost]");
    }

    @Test
    void aPlacementIsShownClearedFromAnotherNodeAndDroppedWithItsNode() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        ResourceId web = ResourceId.of("web");
        var placement = new org.duplex.failover.model.Placement(N2, "admin on node1",
                java.time.Instant.parse("2026-12-07T12:30:00Z"));
        var c = store.load();
        store.save(c, c.withPlacement(web, placement));
        assertThat(cmd.groupShow(Optional.of("web"))).contains("nodes=node1,node2", "PLACED on node2 (by admin on "
                + "node1 at 2026-12-07T12:30:00Z)", "ha:switchover --clear web removes the placement");
        assertThat(cmd.statusSection()).contains("PLACED on node2 (by admin on node1 at 2026-12-07T12:30:00Z)");
        assertThat(admin.groups().get(0).placement()).isEqualTo(new org.duplex.api.admin.GroupPlacement("node2",
                "admin on node1", "2026-12-07T12:30:00Z"));

        List<org.duplex.api.failover.OperatorRequest> forwarded = new java.util.ArrayList<>();
        Commands node2 = onNode2(forwarded);
        assertThatThrownBy(() -> node2.switchover("web", Optional.of("node2"), false, true))
                .hasMessageContaining("--clear takes only the group");
        assertThat(node2.switchover("web", Optional.empty(), false, true)).startsWith("forwarded to the coordinator "
                + "node1:").contains("web: placement on node2 (by admin on node1 at 2026-12-07T12:30:00Z) cleared "
                + "(asked by admin on node2)");
        assertThat(forwarded).extracting(r -> r.operation() + " " + r.arguments())
                .containsExactly("switchover [web, --clear]");
        assertThat(store.load().placementOf(web)).isEmpty();
        assertThat(admin.groups().get(0).placement()).isNull();
        assertThat(cmd.switchover("web", Optional.empty(), false, true)).contains("web has no operator placement");

        // a new node list without the placed node drops the placement, and says so
        c = store.load();
        store.save(c, c.withPlacement(web, placement));
        assertThat(cmd.groupAdd("web", List.of("resources=a", "nodes=node1"), true)).contains("operator placement "
                + "of web on node2 (by admin on node1 at 2026-12-07T12:30:00Z) dropped: node2 is no longer in its "
                + "node list");
        assertThat(store.load().placementOf(web)).isEmpty();
    }

    @Test
    void theRestAdminViewOnAnotherNodeForwardsToo() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("a"), ResourceState.FAILED);
        List<org.duplex.api.failover.OperatorRequest> forwarded = new java.util.ArrayList<>();
        var node2Admin = new org.duplex.failover.admin.AdminView(onNode2FailoverService(forwarded));
        table.apply(new org.duplex.failover.executor.Report(N1, ResourceId.of("a"), Optional.of(ResourceId.of("web")),
                "monitor", org.duplex.api.agent.OperationResult.of(org.duplex.api.agent.OcfStatus.NOT_RUNNING,
                "gone", java.time.Duration.ZERO), ResourceState.FAILED, true, java.time.Instant.now()));

        assertThat(node2Admin.cleanup("a")).as("the coordinator's count, read from its answer").isEqualTo(1);
        assertThatThrownBy(() -> node2Admin.switchover("web", "node2")).isInstanceOf(
                org.duplex.api.admin.AdminException.class).hasMessageContaining("web is not cleanly running on node1");
        assertThat(forwarded).extracting(r -> r.operation() + " " + r.arguments())
                .containsExactly("cleanup [a]", "switchover [web, node2, --reorder]");

        var outcome = org.duplex.failover.admin.AdminView.forwardedSwitchover("web", N1, "web switched over from "
                + "node1 to node2: outage 211 ms (asked by admin on node2)\n  stop web/a on node1: ok (5 ms)\n  "
                + "node list now starts with node2");
        assertThat(outcome.from()).isEqualTo("node1");
        assertThat(outcome.to()).isEqualTo("node2");
        assertThat(outcome.outageMillis()).isEqualTo(211);
        assertThat(outcome.steps()).containsExactly("forwarded to the coordinator node1",
                "stop web/a on node1: ok (5 ms)", "node list now starts with node2");
    }

    @Test
    void theCoordinatorRefusesUnknownOrMalformedForwardedRequests() {
        OperatorRequestHandler handler = new OperatorRequestHandler(coordinator);
        assertThatThrownBy(() -> handler.apply(new org.duplex.api.failover.OperatorRequest("reboot", List.of(), "x")))
                .hasMessageContaining("unknown operator request 'reboot'").hasMessageContaining("[switchover, cleanup]");
        assertThatThrownBy(() -> handler.apply(new org.duplex.api.failover.OperatorRequest("switchover", List.of(),
                "x"))).hasMessageContaining("switchover takes 1 or 2 argument(s), got 0");
        assertThatThrownBy(() -> handler.apply(new org.duplex.api.failover.OperatorRequest("cleanup",
                List.of("a", "b"), "x"))).hasMessageContaining("cleanup takes 1 argument(s), got 2");
    }

    @Test
    void fenceAndFenceList() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        assertThat(cmd.fenceList()).contains("no fencing devices").contains("not covered: node1,node2")
                .contains("a frozen node cannot be fenced");
        assertThatThrownBy(() -> cmd.fence("node1", Optional.empty())).hasMessageContaining("no fencing device covers node1");

        java.nio.file.Path script = dir.resolve("fence.sh");
        java.nio.file.Files.writeString(script, "#!/bin/sh\n[ \"$1\" = status ] && { echo 'Chassis Power is off'; exit 1; }\n"
                + "echo \"did $1 $2\"\nexit 0\n");
        java.nio.file.Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions
                .fromString("rwxr-xr-x"));
        devices.add(FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "ipmi1", "type", "exec",
                "command", script.toString(), "nodes", "node1", "timeout", "5s"))));

        devices.add(FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "aa-switch", "type", "exec",
                "command", script.toString(), "nodes", "node1", "timeout", "5s", "level", "2"))));
        assertThat(cmd.fenceList()).contains("ipmi1  type=exec  nodes=node1  timeout=5s  retry.interval=5s  level=1")
                .contains("command=" + script).contains("not covered: node2")
                .contains("fencing levels (tried in this order").contains("  node1: level 1 ipmi1  then  level 2 aa-switch");
        devices.remove(devices.device("aa-switch").orElseThrow());
        assertThat(cmd.fence("node1", Optional.of("status"))).contains("ipmi1: status node1 -> exit 1 (off)")
                .contains("output: Chassis Power is off").contains("status of node1: ipmi1=off");
        table.set(N1, ResourceId.of("a"), ResourceState.RUNNING);
        assertThat(cmd.fence("node1", Optional.empty())).contains("ipmi1: off node1 -> exit 0 (ok)")
                .contains("output: did off node1").contains("node1 is fenced: its resources count as stopped");
        assertThat(table.states().get(N1)).isNull();
        assertThat(cmd.history(Optional.empty(), 10)).contains("ha:fence --action off node1 by the operator [epoch 2]");
        assertThatThrownBy(() -> cmd.fence("node1", Optional.of("reboot"))).hasMessageContaining("not one of off, on, status");
    }

    @Test
    void theApiViewShowsWhatTheCommandsShowAndRefusesNamingTheField() throws Exception {
        cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0"), false);
        cmd.groupAdd("web", List.of("resources=vip", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("vip"), ResourceState.RUNNING);

        var group = admin.groups().get(0);
        assertThat(group.id()).isEqualTo("web");
        assertThat(group.runningOn()).containsExactly("node1");
        assertThat(group.states()).containsEntry("node1", Map.of("vip", "running"));
        var vip = admin.resources().get(0);
        assertThat(vip.group()).isEqualTo("web");
        assertThat(vip.agentPresent()).isTrue();
        assertThat(vip.params()).containsEntry("ip", "192.168.50.10");

        assertThatThrownBy(() -> admin.switchover("nope", null)).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> assertThat(e.field()).isEqualTo("group"));
        assertThatThrownBy(() -> admin.switchover("web", "node9")).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> assertThat(e.field()).isEqualTo("node"));
        assertThatThrownBy(() -> admin.switchover("web", "bad name")).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> assertThat(e.field()).isEqualTo("node"));
        assertThatThrownBy(() -> admin.cleanup("nope")).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> assertThat(e.field()).isEqualTo("resource"));
        assertThatThrownBy(() -> admin.switchover("web", "node1")).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> assertThat(e.kind())
                        .isEqualTo(org.duplex.api.admin.AdminException.Kind.REFUSED));
        assertThat(admin.cleanup("vip")).isZero();
        assertThat(admin.history(null, 5)).allSatisfy(h -> assertThat(h.text()).isNotBlank());
    }

    @Test
    void groupShowExplainsABlockedGroup() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("a"), ResourceState.BLOCKED);

        assertThat(cmd.groupShow(Optional.of("web"))).contains("on node1: a=blocked")
                .contains("BLOCKED: web blocked: stop of a on node1 could not be confirmed");
    }

    @Test
    void buildsAConfigurationAndSimulatesIt() throws Exception {
        assertThat(cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0",
                "monitor-interval=2s"), false)).contains("resource vip type=vip monitor-interval=2s");
        assertThat(cmd.resourceAdd("app", "process", List.of("command=sleep 100"), false))
                .contains("warning: no agent of type 'process'");
        assertThat(cmd.groupAdd("web", List.of("resources=vip,app", "nodes=node1,node2", "failback=manual"), false))
                .contains("failback=manual");

        assertThat(cmd.simulate(Optional.empty())).contains("start web/vip on node1 (start)")
                .contains("(nothing was done)");
        table.set(N1, ResourceId.of("vip"), ResourceState.RUNNING);
        table.set(N1, ResourceId.of("app"), ResourceState.RUNNING);
        assertThat(cmd.simulate(Optional.of("node1"))).startsWith("if node1 failed now")
                .contains("start web/vip on node2 (recover)").contains("node1 is dead (simulated failure)")
                .contains("placement afterwards: web=node2");
        assertThat(cmd.groupShow(Optional.of("web"))).contains("on node1: vip=running app=running");
        assertThat(cmd.resourceShow(Optional.of("vip"))).contains("group: web").contains("node1: running");

        // persisted: a new store on the same file sees it
        FileConfigStore again = new FileConfigStore(Optional.of(dir.resolve("failover.conf")));
        assertThat(again.load()).isEqualTo(store.load());
    }

    @Test
    void rejectsBadInputWithClearMessages() throws Exception {
        assertThatThrownBy(() -> cmd.resourceAdd("vip", "vip", List.of("ip=not-an-ip", "interface=eth0"), false))
                .hasMessageContaining("agent vip rejects vip").hasMessageContaining("not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> cmd.resourceAdd("bad name", "vip", List.of(), false))
                .hasMessageContaining("invalid resource id");
        assertThatThrownBy(() -> cmd.resourceAdd("x", "process", List.of("oops"), false))
                .hasMessageContaining("'oops' is not key=value");
        assertThatThrownBy(() -> cmd.resourceAdd("x", "process", List.of("monitor-interval=soon"), false))
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> cmd.groupAdd("web", List.of("resources=nope", "nodes=node1"), false))
                .hasMessageContaining("unknown resource nope");
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        assertThatThrownBy(() -> cmd.groupAdd("web", List.of("resources=a", "nodes=node1", "on-fail=reboot"), false))
                .hasMessageContaining("on-fail: 'reboot' is not one of restart, move, stop, fence, block");
        assertThatThrownBy(() -> cmd.groupAdd("web", List.of("resources=a", "nodes=node1", "colour=red"), false))
                .hasMessageContaining("unknown key 'colour'");
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        assertThatThrownBy(() -> cmd.groupAdd("web", List.of("resources=a", "nodes=node1"), false))
                .hasMessageContaining("use -f");
        assertThatThrownBy(() -> cmd.resourceRemove("a")).hasMessageContaining("is in group web");
        assertThatThrownBy(() -> cmd.switchover("web", Optional.empty())).hasMessageContaining("runs on no node");
        assertThatThrownBy(() -> cmd.cleanup("zzz")).hasMessageContaining("no resource zzz");
        assertThatThrownBy(() -> cmd.simulate(Optional.of("node9"))).hasMessageContaining("unknown node node9");
        assertThat(cmd.groupRemove("web")).contains("removed");
        assertThat(cmd.resourceRemove("a")).contains("removed");
        assertThat(cmd.history(Optional.empty(), 10)).isEqualTo("no history");
    }

    @Test
    void metricsShowEveryResourcesStateFailuresMonitorsAndCounters() throws Exception {
        cmd.resourceAdd("a", "process", List.of("command=true"), false);
        cmd.groupAdd("web", List.of("resources=a", "nodes=node1,node2"), false);
        java.time.Instant now = java.time.Instant.now();
        ResourceId a = ResourceId.of("a");
        table.apply(new org.duplex.failover.executor.Report(N1, a, Optional.of(ResourceId.of("web")), "monitor",
                org.duplex.api.agent.OperationResult.of(org.duplex.api.agent.OcfStatus.NOT_RUNNING, "killed",
                        java.time.Duration.ZERO), ResourceState.FAILED, true, now));
        table.apply(new org.duplex.failover.executor.Report(N2, a, Optional.of(ResourceId.of("web")), "probe",
                org.duplex.api.agent.OperationResult.success("running", java.time.Duration.ZERO),
                ResourceState.RUNNING, false, now));
        table.apply(new org.duplex.failover.executor.Report(N2, ResourceId.of("disk"), Optional.empty(),
                org.duplex.failover.executor.Executor.HEALTH, org.duplex.api.agent.OperationResult.of(
                        org.duplex.api.agent.OcfStatus.ERR_GENERIC, "FAILING (1 of 3): 97 % used",
                        java.time.Duration.ZERO), ResourceState.RUNNING, false, now));
        controller.counters().switchover("web", java.time.Duration.ofMillis(250));

        Map<String, Double> m = new java.util.TreeMap<>();
        org.duplex.failover.admin.FailoverMetrics.write(coordinator, new org.duplex.api.metrics.MetricsWriter() {
            @Override
            public void gauge(String name, String help, Map<String, String> labels, double value) {
                assertThat(m.put(name + new java.util.TreeMap<>(labels), value)).as(name + labels).isNull();
            }

            @Override
            public void counter(String name, String help, Map<String, String> labels, double value) {
                assertThat(name).endsWith("_total");
                gauge(name, help, labels, value);
            }

            @Override
            public void summary(String name, String help, Map<String, String> labels, long count, double sum) {
                gauge(name + "_count", help, labels, count);
                gauge(name + "_sum", help, labels, sum);
            }
        });
        assertThat(m).containsEntry("duplex_failover_groups{}", 1.0).containsEntry("duplex_failover_resources{}", 1.0)
                .containsEntry("duplex_failover_resource_state{group=web, node=node1, resource=a, state=FAILED}", 1.0)
                .containsEntry("duplex_failover_resource_state{group=web, node=node1, resource=a, state=RUNNING}",
                        0.0)
                .containsEntry("duplex_failover_resource_state{group=web, node=node2, resource=a, state=RUNNING}",
                        1.0)
                .containsEntry("duplex_failover_resource_failures{node=node1, resource=a}", 1.0)
                .containsEntry("duplex_failover_resource_failures{node=node2, resource=a}", 0.0)
                .containsEntry("duplex_monitor_result{monitor=disk, node=node2, result=FAILING}", 1.0)
                .containsEntry("duplex_monitor_result{monitor=disk, node=node2, result=FAILED}", 0.0)
                .containsEntry("duplex_failover_switchovers_total{group=web}", 1.0)
                .containsEntry("duplex_failover_switchover_outage_seconds_sum{group=web}", 0.25)
                .containsEntry("duplex_failover_failovers_total{group=web, intent=move}", 0.0)
                .containsEntry("duplex_failover_failover_duration_seconds_count{group=web, intent=recover}", 0.0);
    }

    /** Issue 15's what-if view: ha:simulate through the API the REST API and console use. */
    @Test
    void simulatesANodeFailureThroughTheAdminApi() throws Exception {
        cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0"), false);
        cmd.groupAdd("web", List.of("resources=vip", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("vip"), ResourceState.RUNNING);
        var before = store.load();
        int historyBefore = coordinator.history(Optional.empty()).size();

        var r = admin.simulate(new org.duplex.api.admin.SimulationRequest(List.of("node1"), null));

        assertThat(r.failedNodes()).containsExactly("node1");
        assertThat(r.candidate()).isFalse();
        assertThat(r.violations()).isEmpty();
        var web = r.groups().get(0);
        assertThat(web.group()).isEqualTo("web");
        assertThat(web.runningNow()).containsExactly("node1");
        assertThat(web.runningAfter()).containsExactly("node2"); // the next node of its list
        assertThat(web.actions()).anySatisfy(a -> {
            assertThat(a.op()).isEqualTo("start");
            assertThat(a.node()).isEqualTo("node2");
            assertThat(a.resource()).isEqualTo("vip");
            assertThat(a.intent()).isEqualTo("recover");
            assertThat(a.reason()).contains("node1");
        });
        // the same plan as ha:simulate --fail node1
        assertThat(cmd.simulate(Optional.of("node1"))).contains("start web/vip on node2 (recover)");
        // nothing was done
        assertThat(store.load()).isEqualTo(before);
        assertThat(table.states().get(N1)).containsEntry(ResourceId.of("vip"), ResourceState.RUNNING);
        assertThat(coordinator.history(Optional.empty())).hasSize(historyBefore);

        var both = admin.simulate(new org.duplex.api.admin.SimulationRequest(List.of("node1", "node2"), null));
        assertThat(both.groups().get(0).runningAfter()).isEmpty();
        assertThat(both.groups().get(0).actions()).noneMatch(a -> a.op().equals("start"));
        assertThat(both.groups().get(0).reasons()).anyMatch(n -> n.startsWith("web stays stopped: no eligible node"));
        assertThat(web.reasons()).isNotEmpty().allMatch(x -> x.contains("node1"));
    }

    @Test
    void simulatesACandidateConfigurationWithoutApplyingIt() throws Exception {
        cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0"), false);
        cmd.groupAdd("web", List.of("resources=vip", "nodes=node1,node2"), false);
        table.set(N1, ResourceId.of("vip"), ResourceState.RUNNING);
        var running = store.load();
        String exported = admin.configuration();
        assertThat(org.duplex.failover.replicated.FailoverDocument.read(exported)).isEqualTo(running);

        // the candidate: node2 first, no stickiness, automatic failback: the engine would move web to node2
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(exported);
        var group = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("groups").get(0);
        group.putArray("nodes").add("node2").add("node1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) group.get("policy")).put("stickiness", "0")
                .put("failback", "automatic");
        var r = admin.simulate(new org.duplex.api.admin.SimulationRequest(List.of(), tree.toString()));

        assertThat(r.candidate()).isTrue();
        var web = r.groups().get(0);
        assertThat(web.nodes()).containsExactly("node2", "node1");
        assertThat(web.runningNow()).containsExactly("node1");
        assertThat(web.runningAfter()).containsExactly("node2");
        assertThat(web.actions()).extracting(a -> a.op() + " " + a.resource() + " on " + a.node())
                .containsSubsequence("stop vip on node1", "start vip on node2");
        // not applied: the running configuration and the state table are as they were
        assertThat(store.load()).isEqualTo(running);
        assertThat(admin.configuration()).isEqualTo(exported);
        assertThat(table.states().get(N1)).containsEntry(ResourceId.of("vip"), ResourceState.RUNNING);
        // and without the candidate the engine has nothing to do
        assertThat(admin.simulate(new org.duplex.api.admin.SimulationRequest(List.of(), null)).actions()).isEmpty();
    }

    @Test
    void aBadSimulationRequestNamesItsFieldAndDoesNothing() throws Exception {
        cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0"), false);
        cmd.groupAdd("web", List.of("resources=vip", "nodes=node1,node2"), false);
        var running = store.load();
        record Bad(List<String> fail, String config, org.duplex.api.admin.AdminException.Kind kind, String field,
                   String message) {
        }
        for (Bad b : List.of(
                new Bad(List.of("node9"), null, org.duplex.api.admin.AdminException.Kind.NOT_FOUND, "failNodes",
                        "unknown node node9"),
                new Bad(List.of("no way"), null, org.duplex.api.admin.AdminException.Kind.INVALID, "failNodes",
                        "failNodes"),
                new Bad(List.of(), "{\"groups\": [", org.duplex.api.admin.AdminException.Kind.INVALID,
                        "configuration", "not valid JSON"),
                new Bad(List.of(), "[]", org.duplex.api.admin.AdminException.Kind.INVALID, "configuration",
                        "must be a JSON object"),
                new Bad(List.of(), "{\"group\": []}", org.duplex.api.admin.AdminException.Kind.INVALID,
                        "configuration", "unknown section 'group'"),
                new Bad(List.of(), "{\"groups\": 7}", org.duplex.api.admin.AdminException.Kind.INVALID,
                        "configuration", "configuration: "),
                new Bad(List.of(), "{\"groups\": [{\"id\": \"web\", \"resources\": [\"nope\"], "
                        + "\"nodes\": [\"node1\"]}]}", org.duplex.api.admin.AdminException.Kind.INVALID,
                        "configuration", "nope"))) {
            assertThatThrownBy(() -> admin.simulate(new org.duplex.api.admin.SimulationRequest(b.fail(), b.config())))
                    .as(b.toString()).isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                        assertThat(e.kind()).isEqualTo(b.kind());
                        assertThat(e.field()).isEqualTo(b.field());
                        assertThat(e.getMessage()).contains(b.message());
                    });
        }
        assertThat(store.load()).isEqualTo(running);
    }

    /**
     * Fuzz of the candidate document (seeded, 3,000 tries of structured pieces, valid documents with one value
     * broken, and raw text): the engine either plans or refuses with field {@code configuration}; nothing else is
     * thrown and the running configuration is never touched.
     */
    @Test
    void randomCandidatesArePlannedOrRefusedNamingTheFieldNeverAnythingElse() throws Exception {
        cmd.resourceAdd("vip", "vip", List.of("ip=192.168.50.10", "interface=eth0"), false);
        cmd.groupAdd("web", List.of("resources=vip", "nodes=node1,node2"), false);
        var running = store.load();
        String exported = admin.configuration();
        String[] pieces = {"{", "}", "[", "]", ",", ":", "\"resources\"", "\"groups\"", "\"monitors\"", "\"policies\"",
            "\"id\"", "\"type\"", "\"params\"", "\"nodes\"", "\"policy\"", "\"on\"", "\"target\"", "\"noQuorum\"",
            "\"stickiness\"", "\"migrationThreshold\"", "\"web\"", "\"vip\"", "\"node1\"", "\"node9\"", "\"\"", "null",
            "true", "-1", "0", "1e999", "12345678901234567890", "\"STOP\"", "\"freeze\"", "\"bogus\"", "\"10s\"",
            "\"failback\"", "\"automatic\"", "\"with\"", "\"apart\"", "\"on-fail\"", "\"reboot\"", "\"node\"",
            "\"resource\"", "\"\\u0000\"", "\"a b\"", " "};
        java.util.Random random = new java.util.Random(20261207L);
        int planned = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            String candidate;
            switch (i % 3) {
                case 0 -> {
                    StringBuilder sb = new StringBuilder("{");
                    for (int n = random.nextInt(30); n > 0; n--) {
                        sb.append(pieces[random.nextInt(pieces.length)]);
                    }
                    candidate = sb.toString();
                }
                case 1 -> {
                    // a valid document with one token replaced
                    String[] tokens = exported.split("(?<=[\\[\\]{},:])|(?=[\\[\\]{},:])");
                    tokens[random.nextInt(tokens.length)] = pieces[random.nextInt(pieces.length)];
                    candidate = String.join("", tokens);
                }
                default -> {
                    byte[] b = new byte[random.nextInt(60)];
                    random.nextBytes(b);
                    candidate = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            }
            try {
                admin.simulate(new org.duplex.api.admin.SimulationRequest(List.of(), candidate));
                planned++;
            } catch (org.duplex.api.admin.AdminException e) {
                assertThat(e.field()).as(candidate + " -> " + e.getMessage()).isEqualTo("configuration");
                assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.INVALID);
                refused++;
            }
        }
        assertThat(planned).as("some candidates were usable").isPositive();
        assertThat(refused).as("most were not").isPositive();
        assertThat(store.load()).isEqualTo(running);
        assertThat(admin.configuration()).isEqualTo(exported);
    }
}
