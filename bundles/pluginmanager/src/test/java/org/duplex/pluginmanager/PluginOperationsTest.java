package org.duplex.pluginmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ha:plugin-install / -remove / -list on a scripted three-node cluster: each node runs a real reconciler. */
class PluginOperationsTest {

    private static final String PING = "duplex-plugin-ping";
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");

    @TempDir
    Path dir;

    /** The replicated set and the reports; a committed change runs the reconciler of every answering node. */
    final class FakeCluster implements ClusterPlugins, ClusterService {
        PluginSet set = PluginSet.EMPTY;
        boolean quorate = true;
        Set<NodeId> view = Set.of(N1, N2);
        final Map<NodeId, FakeFeatures> features = new LinkedHashMap<>();
        final Set<NodeId> silent = new java.util.HashSet<>();
        final Map<NodeId, NodePlugins> reports = new HashMap<>();

        @Override
        public PluginSet wanted() {
            return set;
        }

        @Override
        public PluginSet save(PluginSet expected, Set<String> names) throws IOException {
            if (!expected.names().equals(set.names())) {
                throw new IOException("changed meanwhile");
            }
            set = new PluginSet(set.version() + 1, names);
            for (NodeId n : view) {
                if (!silent.contains(n)) {
                    reports.put(n, new PluginReconciler(n, features.get(n), ManagedSet.file(dir.resolve(n.value())),
                            () -> Instant.EPOCH).reconcile(set));
                }
            }
            return set;
        }

        @Override
        public AutoCloseable addListener(Consumer<PluginSet> listener) {
            return () -> { };
        }

        @Override
        public void publish(NodePlugins report) {
            reports.put(report.node(), report);
        }

        @Override
        public Map<NodeId, NodePlugins> reports() {
            Map<NodeId, NodePlugins> m = new HashMap<>(reports);
            m.keySet().retainAll(view);
            return m;
        }

        @Override
        public QuorumState state() {
            return new QuorumState(N1, quorate, quorate ? Optional.of(N1) : Optional.empty(), new FencingEpoch(3),
                    view, view.size(), 3, quorate ? "2 of 3 votes" : "1 of 3 votes, 2 needed");
        }

        @Override
        public AutoCloseable addListener(QuorumListener listener) {
            return () -> { };
        }

        @Override
        public Map<NodeId, NodeMode> nodeModes() {
            Map<NodeId, NodeMode> m = new LinkedHashMap<>();
            for (NodeId n : List.of(N1, N2, N3)) {
                m.put(n, NodeMode.ONLINE);
            }
            return m;
        }
    }

    private final FakeCluster cluster = new FakeCluster();
    private final AtomicLong now = new AtomicLong();
    private final PluginOperations ops;

    PluginOperationsTest() {
        cluster.features.put(N1, new FakeFeatures().offering(PING));
        cluster.features.put(N2, new FakeFeatures().offering(PING));
        cluster.features.put(N3, new FakeFeatures().offering(PING));
        ops = new PluginOperations(cluster, cluster, cluster.features.get(N1), now::get,
                ms -> now.addAndGet(ms * 1_000_000));
    }

    @Test
    void installReportsEveryNodeInstalledFailedOrUnreachable() throws Exception {
        cluster.features.get(N2).failInstall.put(PING, "Error resolving artifact org.duplex:duplex-plugin-ping");
        PluginOperations.Result r = ops.install(PING, Duration.ofSeconds(60));
        assertThat(r.allOk()).isFalse();
        assertThat(r.text()).isEqualTo("""
                Installing duplex-plugin-ping on every node (cluster plug-in set, configuration version 1):
                NODE             STATE        DETAIL
                node1            installed
                node2            FAILED       install failed: Error resolving artifact org.duplex:duplex-plugin-ping
                node3            UNREACHABLE  not in the cluster view
                Installed on 1 of 3 nodes; the others converge when they rejoin (unreachable) or at their next retry \
                (failed)
                """);
        assertThat(r.summary()).isEqualTo("duplex-plugin-ping installed on 1 of 3 nodes; not on node2 (FAILED), "
                + "node3 (UNREACHABLE)");
        assertThat(cluster.features.get(N1).installed).containsExactly(PING);
    }

    @Test
    void allNodesInstalledThenRemovedEverywhere() throws Exception {
        cluster.view = Set.of(N1, N2, N3);
        assertThat(ops.install(PING, Duration.ofSeconds(60)).allOk()).isTrue();
        assertThat(ops.list()).contains("Cluster plug-in set (configuration version 1): duplex-plugin-ping")
                .containsPattern("duplex-plugin-ping +node3 +installed");
        PluginOperations.Result r = ops.remove(PING, Duration.ofSeconds(60));
        assertThat(r.allOk()).isTrue();
        assertThat(r.text()).contains("node2            absent       removed").endsWith("Removed on 3 of 3 nodes\n");
        cluster.features.values().forEach(f -> assertThat(f.installed).isEmpty());
    }

    @Test
    void aNodeInTheViewThatNeverReportsIsShownAfterTheTimeout() throws Exception {
        cluster.silent.add(N2);
        PluginOperations.Result r = ops.install(PING, Duration.ofSeconds(5));
        assertThat(r.allOk()).isFalse();
        assertThat(r.text()).contains("node2            NO ANSWER    no report for configuration version 1 within 5 s");
        assertThat(now.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void badInputIsRefusedNamingWhatWasWrongAndChangesNothing() {
        assertThatThrownBy(() -> ops.install("duplex-mirror", Duration.ofSeconds(1)))
                .hasMessageStartingWith("'duplex-mirror' is not a plug-in: plug-in features are named duplex-plugin-NAME");
        assertThatThrownBy(() -> ops.install("duplex-plugin-nope", Duration.ofSeconds(1)))
                .hasMessage("unknown plug-in 'duplex-plugin-nope': no such feature in this node's feature "
                        + "repositories (available: duplex-plugin-ping)");
        assertThatThrownBy(() -> ops.remove(PING, Duration.ofSeconds(1)))
                .hasMessageStartingWith("'duplex-plugin-ping' is not in the cluster's plug-in set (it is empty)");
        cluster.quorate = false;
        assertThatThrownBy(() -> ops.install(PING, Duration.ofSeconds(1)))
                .hasMessageStartingWith("cannot install duplex-plugin-ping: no quorum (1 of 3 votes, 2 needed)");
        assertThat(cluster.set).isEqualTo(PluginSet.EMPTY);
    }

    @Test
    void theApiViewGivesTheSameAnswersAsValuesAndRefusalsNamingTheField() throws Exception {
        PluginAdminView view = new PluginAdminView(ops);
        org.duplex.api.admin.PluginOverview empty = view.plugins();
        assertThat(empty.wanted()).isEmpty();
        assertThat(empty.available()).containsExactly(PING);
        assertThat(empty.availableProblem()).isEmpty();

        cluster.features.get(N2).failInstall.put(PING, "Error resolving artifact");
        org.duplex.api.admin.PluginChange c = view.install(PING, Duration.ofSeconds(60));
        assertThat(c.operation()).isEqualTo("install");
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.allOk()).isFalse();
        assertThat(c.nodes()).extracting(org.duplex.api.admin.PluginNodeState::node,
                org.duplex.api.admin.PluginNodeState::state, org.duplex.api.admin.PluginNodeState::ok)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node1", "installed", true),
                        org.assertj.core.groups.Tuple.tuple("node2", "FAILED", false),
                        org.assertj.core.groups.Tuple.tuple("node3", "UNREACHABLE", false));

        org.duplex.api.admin.PluginOverview o = view.plugins();
        assertThat(o.version()).isEqualTo(1);
        assertThat(o.wanted()).containsExactly(PING);
        assertThat(o.available()).isEmpty();
        assertThat(o.states()).extracting(org.duplex.api.admin.PluginNodeState::node,
                org.duplex.api.admin.PluginNodeState::state, org.duplex.api.admin.PluginNodeState::ok)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node1", "installed", true),
                        org.assertj.core.groups.Tuple.tuple("node2", "FAILED", false),
                        org.assertj.core.groups.Tuple.tuple("node3", "UNREACHABLE", false));
        assertThat(o.states().get(1).detail()).contains("Error resolving artifact");

        assertThatThrownBy(() -> view.install("duplex-mirror", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.INVALID);
                    assertThat(e.field()).isEqualTo("name");
                });
        assertThatThrownBy(() -> view.install("duplex-plugin-nope", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("name");
                });
        assertThatThrownBy(() -> view.remove("duplex-plugin-other", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class,
                        e -> assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.NOT_FOUND));
        cluster.quorate = false;
        assertThatThrownBy(() -> view.remove(PING, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(org.duplex.api.admin.AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(org.duplex.api.admin.AdminException.Kind.REFUSED);
                    assertThat(e.getMessage()).contains("no quorum");
                });
    }
}
