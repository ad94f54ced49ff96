package org.duplex.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.junit.jupiter.api.Test;

/** The cluster's metrics from a real core: a two-node cluster whose peer is out of the view but heard on a link. */
class ClusterMetricsTest {

    /** Records "name{k=v,...}" to value, sorted labels; also the help and type per name. */
    static final class Recorder implements MetricsWriter {
        final Map<String, Double> samples = new TreeMap<>();
        final Map<String, String> types = new TreeMap<>();

        private void put(String type, String name, String help, Map<String, String> labels, double v) {
            assertThat(help).as(name).isNotBlank();
            String prev = types.put(name, type);
            assertThat(prev).as(name).isIn(null, type);
            assertThat(samples.put(name + new TreeMap<>(labels), v)).as("%s%s twice", name, labels).isNull();
        }

        @Override
        public void gauge(String name, String help, Map<String, String> labels, double value) {
            put("gauge", name, help, labels, value);
        }

        @Override
        public void counter(String name, String help, Map<String, String> labels, double value) {
            assertThat(name).endsWith("_total");
            put("counter", name, help, labels, value);
        }

        @Override
        public void summary(String name, String help, Map<String, String> labels, long count, double sum) {
            put("summary", name, help, labels, count);
        }
    }

    @Test
    void quorumEpochViewsAndEveryNodesStateAreWritten() throws Exception {
        NodeId n1 = NodeId.of("n1");
        ClusterConfig boot = ClusterConfig.initial("prod", List.of(NodeConfig.member("n1"), NodeConfig.member("n2")));
        ClusterCore core = new ClusterCore(n1, boot, new QuorumSettings(0, false, false, NoQuorumPolicy.STOP),
                Tiebreaker.NONE, new EpochStore.InMemory(), new ConfigStore.InMemory(), System::nanoTime, (t, m) -> {
                });
        core.onView(new MembershipView("v1", List.of(n1, NodeId.of("n2"))));
        core.onView(new MembershipView("v2", List.of(n1)));
        PeerStatus n2 = new PeerStatus(NodeId.of("n2"), Liveness.ALIVE, List.of(new LinkStatus("serial0",
                LinkKind.SERIAL, LinkState.UP, Optional.of(Instant.parse("2026-12-06T01:00:00Z")))));
        ClusterAdmin admin = new CoreAdmin(core) {
            @Override
            public ProposeResult propose(ClusterConfig candidate) {
                throw new AssertionError("metrics must not propose");
            }

            @Override
            public List<PeerStatus> heartbeat() {
                return List.of(n2);
            }
        };
        Recorder r = new Recorder();
        ClusterMetrics.write(admin, r);
        assertThat(r.samples).containsEntry("duplex_cluster_quorate{}", 0.0)
                .containsEntry("duplex_cluster_votes{}", 1.0)
                .containsEntry("duplex_cluster_expected_votes{}", 2.0)
                .containsEntry("duplex_cluster_view_changes_total{}", 2.0)
                .containsEntry("duplex_cluster_nodes_in_view{}", 1.0)
                .containsEntry("duplex_cluster_nodes{}", 2.0)
                .containsEntry("duplex_cluster_info{cluster=prod, node=n1}", 1.0)
                .containsEntry("duplex_cluster_node_in_view{node=n2}", 0.0)
                .containsEntry("duplex_cluster_node_liveness{liveness=PARTITIONED, node=n2}", 1.0)
                .containsEntry("duplex_cluster_node_liveness{liveness=ALIVE, node=n2}", 0.0)
                .containsEntry("duplex_cluster_node_liveness{liveness=SELF, node=n1}", 1.0)
                .containsEntry("duplex_cluster_node_mode{mode=ONLINE, node=n1}", 1.0)
                .containsEntry("duplex_cluster_node_coordinator{node=n1}", 0.0)
                .containsKey("duplex_cluster_epoch{}").containsKey("duplex_cluster_config_version{}");
        List<String> oneHot = new ArrayList<>();
        r.samples.forEach((k, v) -> {
            if (k.startsWith("duplex_cluster_node_liveness{") && v == 1.0) {
                oneHot.add(k);
            }
        });
        assertThat(oneHot).as("one liveness per node").hasSize(2);
        assertThat(r.types).containsEntry("duplex_cluster_view_changes_total", "counter");
    }
}
