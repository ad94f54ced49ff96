package org.duplex.cluster.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigException;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ha: command logic against a real (single-node, quorate) core: bad input changes nothing. */
class AdminOperationsTest {

    static final NodeId N1 = NodeId.of("n1");

    ClusterCore core;
    ConfigStore.InMemory store;
    int proposals;
    AdminOperations ops;
    ClusterAdmin admin;
    String lease = "";
    List<org.duplex.api.status.StatusSection> sections = List.of();

    @BeforeEach
    void setUp() throws Exception {
        store = new ConfigStore.InMemory();
        ClusterConfig boot = ClusterConfig.initial("prod", List.of(NodeConfig.member("n1")));
        core = new ClusterCore(N1, boot, new QuorumSettings(0, false, false, NoQuorumPolicy.STOP), Tiebreaker.NONE,
                new EpochStore.InMemory(), store, System::nanoTime, (t, m) -> { });
        core.onView(new MembershipView("v1", List.of(N1)));
        core.tick();
        core.tick();
        assertThat(core.state().isCoordinator()).isTrue();
        admin = new org.duplex.cluster.runtime.CoreAdmin(core) {
            @Override
            public ProposeResult propose(ClusterConfig candidate) {
                proposals++;
                return super.propose(candidate);
            }

            @Override
            public String tiebreakerStatus() {
                return lease;
            }

            @Override
            public List<org.duplex.api.status.StatusSection> statusSections() {
                return sections;
            }
        };
        ops = new AdminOperations(admin, Duration.ofSeconds(1));
    }

    @Test
    void statusAsValuesAndStandbyThroughTheApiNamingTheField() throws Exception {
        org.duplex.api.admin.ClusterStatus st = ops.statusValue();
        assertThat(st.clusterName()).isEqualTo("prod");
        assertThat(st.localNode()).isEqualTo("n1");
        assertThat(st.quorate()).isTrue();
        assertThat(st.coordinator()).isEqualTo("n1");
        assertThat(st.nodes()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo("n1");
            assertThat(n.liveness()).isEqualTo("SELF");
            assertThat(n.coordinator()).isTrue();
            assertThat(n.mode()).isEqualTo("ONLINE");
        });
        assertThatThrownBy(() -> org.duplex.cluster.component.AdminComponent.setMode(ops, "n9", true))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.field()).isEqualTo("node");
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.NOT_FOUND);
                });
        assertThatThrownBy(() -> org.duplex.cluster.component.AdminComponent.setMode(ops, "bad name", true))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class,
                        e -> assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.INVALID));
        assertThat(proposals).isZero();
        assertThat(org.duplex.cluster.component.AdminComponent.setMode(ops, "n1", true)).startsWith("Applied");
        assertThat(ops.statusValue().nodes().get(0).mode()).isEqualTo("STANDBY");
        assertThat(org.duplex.cluster.component.AdminComponent.setMode(ops, "n1",
                org.duplex.api.model.NodeMode.MAINTENANCE)).startsWith("Applied");
        assertThat(ops.statusValue().nodes().get(0).mode()).isEqualTo("MAINTENANCE");
        assertThatThrownBy(() -> org.duplex.cluster.component.AdminComponent.setMode(ops, "n9",
                org.duplex.api.model.NodeMode.MAINTENANCE)).isInstanceOfSatisfying(
                        org.duplex.api.admin.AdminException.class, e -> assertThat(e.field()).isEqualTo("node"));
    }

    @Test
    void malformedOrInvalidImportsAreRefusedAndChangeNothing(@TempDir Path dir) throws Exception {
        ClusterConfig before = core.config();
        Path malformed = Files.writeString(dir.resolve("bad.json"), "{\"clusterName\": \"prod\", \"nodes\": [");
        Path invalid = Files.writeString(dir.resolve("bad.yaml"), """
                clusterName: prod
                nodes: [{id: n1}]
                resources: [{id: vip, type: vip}]
                groups: [{id: g, resources: [vip], nodes: [n9]}]
                """);
        Path otherCluster = Files.writeString(dir.resolve("other.yaml"), "clusterName: test\nnodes: [{id: n1}]\n");
        Path dropsMe = Files.writeString(dir.resolve("drop.yaml"), "clusterName: prod\nnodes: [{id: n2}]\n");
        assertThatThrownBy(() -> ops.importFile(malformed, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> ops.importFile(invalid, false)).hasMessage("groups[0].nodes[0]: unknown node 'n9'");
        assertThatThrownBy(() -> ops.importFile(otherCluster, false))
                .hasMessageContaining("clusterName: 'test' does not match this cluster 'prod'");
        assertThatThrownBy(() -> ops.importFile(dropsMe, false)).hasMessageContaining("local node 'n1' must stay");
        assertThatThrownBy(() -> ops.importFile(dir.resolve("missing.yaml"), false))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ops.setMode("n7", NodeMode.STANDBY)).hasMessageContaining("unknown node 'n7'");
        assertThat(proposals).isZero();
        assertThat(core.config()).isEqualTo(before);
        assertThat(store.load()).isEqualTo(Optional.ofNullable(before.version() == 0 ? null : before));
    }

    /** The failover sections are their owner's to judge: its validator's problem refuses the import, dry run too. */
    @Test
    void anImportWhoseFailoverSectionsTheOwnerRefusesIsNotProposed(@TempDir Path dir) throws Exception {
        Path export = dir.resolve("c.yaml");
        ops.export(export);
        Files.writeString(export, Files.readString(export).replace("stickiness: 100", "stickiness: 7"));
        List<String> seen = new java.util.ArrayList<>();
        AdminOperations judged = new AdminOperations(admin, Duration.ofSeconds(1), json -> {
            seen.add(json);
            return List.of("failover sections: resources[app].stop-timeout: 'never' is not a duration");
        });
        int before = proposals;
        assertThatThrownBy(() -> judged.importFile(export, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stop-timeout: 'never' is not a duration");
        assertThatThrownBy(() -> judged.importFile(export, false)).isInstanceOf(ConfigException.class);
        assertThat(proposals).isEqualTo(before);
        assertThat(seen).isNotEmpty().allSatisfy(j -> assertThat(j).contains("\"groups\"").contains("\"policies\""));
    }

    @Test
    void validImportShowsTheDiffAndApplies(@TempDir Path dir) throws Exception {
        Path export = dir.resolve("c.yaml");
        ops.export(export);
        String edited = Files.readString(export).replace("stickiness: 100", "stickiness: 7");
        Files.writeString(export, edited);
        String dry = ops.importFile(export, true);
        assertThat(dry).contains("-   stickiness: 100", "+   stickiness: 7", "Dry run");
        long v = core.config().version();
        String out = ops.importFile(export, false);
        assertThat(out).contains("Applied as configuration version " + (v + 1));
        assertThat(core.config().policies().stickiness()).isEqualTo(7);
        assertThat(store.load()).contains(core.config());
        assertThat(ops.setMode("n1", NodeMode.STANDBY)).contains("Applied");
        assertThat(ops.status()).contains("n1 *", "STANDBY", "Quorum:      yes", "Epoch:       1")
                .doesNotContain("Lease:");
        // what ClusterService.nodeModes() returns (the component reads the core's configuration)
        assertThat(core.config().nodeModes()).containsExactly(Map.entry(N1, NodeMode.STANDBY));
        assertThat(ops.setMode("n1", NodeMode.ONLINE)).contains("Applied");
        assertThat(core.config().nodeModes()).containsExactly(Map.entry(N1, NodeMode.ONLINE));
        lease = "held by this node n1 (valid 1900 ms more unless renewed); weight of n1: 2";
        assertThat(ops.status()).contains("Tiebreaker:  none\nLease:       held by this node n1");
        assertThat(ops.show()).contains("clusterName: prod");
    }

    @Test
    void otherBundlesSectionsFollowInTheirOrderAndOneThatThrowsDoesNotHideTheRest() {
        sections = List.of(section(200, () -> "Plug-in: second\n"), section(100, () -> "Groups: first"),
                section(150, () -> {
                    throw new IllegalStateException("no store");
                }), section(120, () -> ""));
        String out = ops.status();
        assertThat(out).contains("(* = coordinator)\n\nGroups: first\n\n(status section ")
                .contains("failed: java.lang.IllegalStateException: no store)\n\nPlug-in: second\n")
                .doesNotContain("\n\n\n");
        assertThat(out.indexOf("Groups: first")).isLessThan(out.indexOf("Plug-in: second"));
    }

    private static org.duplex.api.status.StatusSection section(int order, java.util.function.Supplier<String> text) {
        return new org.duplex.api.status.StatusSection() {
            @Override
            public int order() {
                return order;
            }

            @Override
            public String render() {
                return text.get();
            }
        };
    }
}
