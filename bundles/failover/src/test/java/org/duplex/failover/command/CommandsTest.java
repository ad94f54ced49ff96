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
import org.duplex.api.failover.FailoverConfigStore;
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
        FailoverService service = new FailoverService() {
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
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target)
                    throws IOException {
                return controller.switchover(group, target);
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
            public List<FenceResult> fence(NodeId node, FenceAction action) throws InterruptedException {
                List<FenceResult> rs = devices.run(node, action);
                controller.fencedByOperator(node, action.word(), action == FenceAction.OFF
                        && rs.stream().anyMatch(FenceResult::ok), rs.toString());
                return rs;
            }
        };
        cmd = new Commands(service);
        admin = new org.duplex.failover.admin.AdminView(service);
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
        assertThat(cmd.history(Optional.empty(), 10)).contains("ha:fence node1 --action off by the operator [epoch 2]");
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
}
