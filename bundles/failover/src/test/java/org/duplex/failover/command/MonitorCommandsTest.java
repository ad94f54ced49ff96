package org.duplex.failover.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.control.Fencer;
import org.duplex.failover.control.LocalTransport;
import org.duplex.failover.control.StateTable;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Report;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.service.FailoverService;
import org.duplex.failover.store.FailoverConfigStore;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ha:monitor-add / -remove / -show and the monitor lines of ha:group-show, against a real store and controller. */
class MonitorCommandsTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");

    @TempDir
    Path dir;

    private FileConfigStore store;
    private final StateTable table = new StateTable(10);
    private Commands cmd;
    private FailoverService service;

    /** A "ping" monitor type that requires host=. */
    private static final ResourceMonitor PING = new ResourceMonitor() {
        @Override
        public String type() {
            return "ping";
        }

        @Override
        public List<String> validate(Map<String, String> params) {
            return params.containsKey("host") ? List.of() : List.of("host: required (address to ping)");
        }

        @Override
        public HealthStatus check(Map<String, String> params, Duration timeout) {
            return HealthStatus.healthy("ok", Duration.ZERO);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("failover.conf"), """
                resource app type=vip ip=10.0.0.5 interface=eth0
                group web resources=app nodes=node1,node2
                """);
        store = new FileConfigStore(Optional.of(dir.resolve("failover.conf")));
        FailoverController controller = new FailoverController(store, new FailoverController.ClusterView() {
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
        }, table, new History(10), new LocalTransport(Map.of()), Fencer.NONE, Clock.systemUTC());
        service = new FailoverService() {
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
            public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int cleanup(ResourceId resource) {
                return 0;
            }

            @Override
            public List<History.Entry> history(Optional<ResourceId> group) {
                return List.of();
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
                return Optional.empty();
            }

            @Override
            public Optional<ResourceMonitor> monitorType(String type) {
                return type.equals("ping") ? Optional.of(PING) : Optional.empty();
            }

            @Override
            public Map<NodeId, Map<ResourceId, Report>> monitorResults() {
                return table.health();
            }

            @Override
            public void trigger() {
            }
        };
        cmd = new Commands(service);
    }

    @Test
    void addsAValidBindingToTheStoredConfiguration() throws Exception {
        String out = cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web", "interval=5s", "count=2",
                "host=10.0.0.1"), false);
        assertThat(out).startsWith("monitor gw type=ping on=node target=web interval=5s timeout=5s count=2 "
                + "host=10.0.0.1\n    on=node: a node failing 2 check(s) in a row is not eligible for group web");
        assertThat(Files.readString(dir.resolve("failover.conf"))).contains("monitor gw type=ping on=node target=web");
        assertThat(store.load().monitors()).containsKey(ResourceId.of("gw"));

        assertThatThrownBy(() -> cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web", "host=x"), false))
                .hasMessage("monitor gw exists; use -f to replace it");
        assertThat(cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web", "host=10.0.0.2"), true))
                .contains("host=10.0.0.2");
    }

    @Test
    void rejectsBadParametersOfAnInstalledTypeAndUnknownTargets() {
        assertThatThrownBy(() -> cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web"), false))
                .hasMessage("monitor type ping rejects the parameters of gw:\n  host: required (address to ping)");
        assertThatThrownBy(() -> cmd.monitorAdd("gw", "ping", List.of("on=node", "target=nope", "host=x"), false))
                .hasMessage("monitor gw: no group nope (on=node binds to a group; groups: [web])");
        assertThatThrownBy(() -> cmd.monitorAdd("d", "disk", List.of("on=resource", "target=web"), false))
                .hasMessage("monitor d: no resource web (on=resource binds to a resource; resources: [app])");
        assertThatThrownBy(() -> cmd.monitorAdd("d", "disk", List.of("on=disk", "target=app"), false))
                .hasMessage("monitor d: on: 'disk' is not resource or node");
        assertThat(store.load().monitors()).isEmpty();
    }

    @Test
    void aMissingTypeIsAWarningAndShowsAsMissing() throws Exception {
        String out = cmd.monitorAdd("disk-var", "disk", List.of("on=resource", "target=app", "path=/var"), false);
        assertThat(out).contains("warning: no monitor of type 'disk' on this node")
                .contains("shows 'monitor type missing' and causes no failover");
        assertThat(cmd.monitorShow(Optional.of("disk-var"))).contains("type disk: MISSING on this node (monitor type "
                + "missing: no failover from it)").contains("no results yet (it runs on the node running app)");
        assertThat(cmd.monitorShow(Optional.of("other"))).isEqualTo("no monitor other");
    }

    @Test
    void showsEachNodesResultAndTheGroupsIneligibleNodes() throws Exception {
        cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web", "count=2", "host=10.0.0.1"), false);
        Instant at = Instant.parse("2026-01-01T12:00:10Z");
        table.apply(new Report(N1, ResourceId.of("gw"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.of(OcfStatus.ERR_GENERIC, "FAILED (2 in a row): monitor gw: no answer from 10.0.0.1",
                        Duration.ZERO), ResourceState.FAILED, false, at));
        table.apply(new Report(N2, ResourceId.of("gw"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.success("HEALTHY: monitor gw: 10.0.0.1 answered in 0.4 ms", Duration.ZERO),
                ResourceState.RUNNING, false, at));
        String show = cmd.monitorShow(Optional.empty());
        assertThat(show).contains("type ping: installed on this node")
                .contains("node1: FAILED (2 in a row): monitor gw: no answer from 10.0.0.1 (at 2026-01-01T12:00:10Z)")
                .contains("node2: HEALTHY: monitor gw: 10.0.0.1 answered in 0.4 ms");
        assertThat(cmd.groupShow(Optional.of("web")))
                .contains("NOT ELIGIBLE node1: FAILED (2 in a row): monitor gw: no answer from 10.0.0.1")
                .doesNotContain("NOT ELIGIBLE node2");
        assertThat(table.states()).as("a monitor result is not a resource state").isEmpty();

        assertThatThrownBy(() -> cmd.groupRemove("web")).hasMessageContaining("monitor gw bound to it");
        assertThat(cmd.monitorRemove("gw")).isEqualTo("monitor gw removed");
        assertThat(store.load().monitors()).isEmpty();
        assertThat(cmd.monitorShow(Optional.empty())).startsWith("no monitors bound");
    }

    @Test
    void statusShowsWhereEachGroupRunsAndTheMonitorsThatNeedALook() throws Exception {
        assertThat(cmd.statusSection()).contains("GROUP", "web              stopped").doesNotContain("MONITOR");
        cmd.monitorAdd("gw", "ping", List.of("on=node", "target=web", "count=2", "host=10.0.0.1"), false);
        cmd.monitorAdd("disk", "disk", List.of("on=resource", "target=app", "path=/var"), false);
        Instant at = Instant.parse("2026-01-01T12:00:10Z");
        table.apply(new Report(N1, ResourceId.of("app"), Optional.of(ResourceId.of("web")), "start",
                OperationResult.success("started", Duration.ZERO), ResourceState.RUNNING, false, at));
        table.apply(new Report(N2, ResourceId.of("gw"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.of(OcfStatus.ERR_GENERIC, "FAILED (2 in a row): monitor gw: no answer from 10.0.0.1",
                        Duration.ZERO), ResourceState.FAILED, false, at));
        table.apply(new Report(N1, ResourceId.of("gw"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.success("HEALTHY: monitor gw: 10.0.0.1 answered in 0.4 ms", Duration.ZERO),
                ResourceState.RUNNING, false, at));
        String status = cmd.statusSection();
        assertThat(status).contains("web              running on node1")
                .containsPattern("gw +ping on=node web +node2: FAILED \\(2 in a row\\): monitor gw: no answer")
                .containsPattern("disk +disk on=resource app +type disk MISSING on this node");
        assertThat(status.lines().filter(l -> l.startsWith("gw")).findFirst().orElseThrow())
                .as("a healthy node is not listed when another needs a look").doesNotContain("node1");
    }

    @Test
    void anOnFailRebootBindingSaysWhatItDoesAndBansItsNodeFromEveryGroup() throws Exception {
        store.save(store.load(), ConfigText.parse(ConfigText.write(store.load()) + """
                resource db type=vip ip=10.0.0.6 interface=eth0
                group data resources=db nodes=node2,node1
                """));
        String out = cmd.monitorAdd("ro", "ping", List.of("on=node", "target=web", "on-fail=reboot", "count=2",
                "host=10.0.0.1"), false);
        assertThat(out).startsWith("monitor ro type=ping on=node target=web interval=10s timeout=5s count=2 "
                + "on-fail=reboot host=10.0.0.1\n    on=node on-fail=reboot: a node of group web failing 2 check(s) "
                + "in a row is not eligible for any group until a check passes; once nothing runs there it reboots "
                + "itself");
        assertThatThrownBy(() -> cmd.monitorAdd("d", "ping", List.of("on=resource", "target=app", "on-fail=reboot",
                "host=x"), false)).hasMessageStartingWith("monitor d: on-fail needs on=node");
        String refused = "FAILED (2 in a row): monitor ro: / is read-only; on-fail=reboot: self-reboot REFUSED (2 "
                + "self-reboot(s) within 1 h already ...); node2 stays up and not eligible for any group until a "
                + "check passes";
        table.apply(new Report(N2, ResourceId.of("ro"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.of(OcfStatus.ERR_GENERIC, refused, Duration.ZERO), ResourceState.FAILED, false,
                Instant.parse("2026-01-01T12:00:10Z")));
        assertThat(cmd.monitorShow(Optional.of("ro"))).contains("node2: " + refused);
        assertThat(cmd.groupShow(Optional.of("data"))).as("not only the bound group")
                .contains("NOT ELIGIBLE node2: " + refused);
        assertThat(cmd.statusSection()).contains("node2: " + refused);
    }

    @Test
    void theApiListsBindingsWithEachNodesResultAndAddsAndRemovesThemNamingTheFieldAtFault() throws Exception {
        org.duplex.failover.admin.AdminView view = new org.duplex.failover.admin.AdminView(service);
        assertThat(view.monitors()).isEmpty();
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("on", "node");
        settings.put("target", "web");
        settings.put("count", "2");
        settings.put("host", "10.0.0.1");
        assertThat(view.addMonitor(new org.duplex.api.admin.MonitorRequest("gw", "ping", settings, false)))
                .startsWith("monitor gw type=ping on=node target=web");
        Instant at = Instant.parse("2026-01-01T12:00:10Z");
        table.apply(new Report(N1, ResourceId.of("gw"), Optional.of(ResourceId.of("web")), Executor.HEALTH,
                OperationResult.of(OcfStatus.ERR_GENERIC, "FAILED (2 in a row): monitor gw: no answer from 10.0.0.1",
                        Duration.ZERO), ResourceState.FAILED, false, at));
        assertThat(view.monitors()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("gw");
            assertThat(m.type()).isEqualTo("ping");
            assertThat(m.on()).isEqualTo("node");
            assertThat(m.target()).isEqualTo("web");
            assertThat(m.typeInstalled()).isTrue();
            assertThat(m.settings()).containsEntry("count", "2").containsEntry("host", "10.0.0.1")
                    .containsEntry("interval", "10s").doesNotContainKeys("on", "target", "type");
            assertThat(m.meaning()).startsWith("on=node: a node failing 2 check(s)");
            assertThat(m.results()).containsOnlyKeys("node1");
            assertThat(m.results().get("node1").failing()).isTrue();
            assertThat(m.results().get("node1").reason()).isEqualTo("FAILED (2 in a row): monitor gw: no answer "
                    + "from 10.0.0.1");
            assertThat(m.results().get("node1").at()).isEqualTo(at);
        });

        org.duplex.api.admin.MonitorRequest again = new org.duplex.api.admin.MonitorRequest("gw", "ping", settings,
                false);
        assertThatThrownBy(() -> view.addMonitor(again)).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.field()).isEqualTo("name");
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.REFUSED);
                });
        settings.put("target", "nope");
        assertThatThrownBy(() -> view.addMonitor(new org.duplex.api.admin.MonitorRequest("gw2", "ping", settings,
                false))).isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.field()).isEqualTo("target");
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.NOT_FOUND);
                });
        settings.put("target", "web");
        settings.remove("host");
        assertThatThrownBy(() -> view.addMonitor(new org.duplex.api.admin.MonitorRequest("gw2", "ping", settings,
                false))).isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class,
                        e -> assertThat(e.field()).isEqualTo("settings"));
        settings.put("on", "disk");
        assertThatThrownBy(() -> view.addMonitor(new org.duplex.api.admin.MonitorRequest("gw2", "ping", settings,
                false))).isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class,
                        e -> assertThat(e.field()).isEqualTo("on"));
        assertThat(store.load().monitors()).containsOnlyKeys(ResourceId.of("gw"));

        assertThatThrownBy(() -> view.removeMonitor("nope")).isInstanceOfSatisfying(
                org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.field()).isEqualTo("monitor");
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.NOT_FOUND);
                });
        assertThat(view.removeMonitor("gw")).isEqualTo("monitor gw removed");
        assertThat(view.monitors()).isEmpty();
    }
}
