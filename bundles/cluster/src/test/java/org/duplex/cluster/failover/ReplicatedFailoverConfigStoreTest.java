package org.duplex.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.duplex.api.failover.FailoverConfig;
import org.duplex.api.model.Resource;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.documents.ReplicatedConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.config.ResourceConfig;
import org.duplex.cluster.core.ProposeResult;
import org.junit.jupiter.api.Test;

/** The store's contract on a scripted cluster (no network): compare-and-set, quorum refusal, listeners. */
class ReplicatedFailoverConfigStoreTest {

    /** A coordinator in a quorate partition, or not, applying changes as the core does. */
    static final class FakeCluster implements ReplicatedConfig {
        ClusterConfig config = ClusterConfig.initial("c", List.of(NodeConfig.member("n1")));
        boolean quorate = true;
        final List<Long> proposedOn = new ArrayList<>();
        final List<Consumer<ClusterConfig>> listeners = new ArrayList<>();

        @Override
        public ClusterConfig config() {
            return config;
        }

        @Override
        public ProposeResult propose(ClusterConfig candidate, long baseVersion) {
            proposedOn.add(baseVersion);
            if (!quorate) {
                return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: no quorum");
            }
            if (baseVersion != config.version()) {
                return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: stale base");
            }
            set(candidate.stamped(config.version() + 1, 1));
            return new ProposeResult(ProposeResult.Status.APPLIED, config.version(), "applied");
        }

        void set(ClusterConfig c) {
            config = c;
            listeners.forEach(l -> l.accept(c));
        }

        @Override
        public AutoCloseable addConfigListener(Consumer<ClusterConfig> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    private final FakeCluster cluster = new FakeCluster();
    private final ReplicatedFailoverConfigStore store = new ReplicatedFailoverConfigStore(cluster,
            Duration.ofSeconds(1));

    @Test
    void savesAsACompareAndSetOnTheVersionItWasPreparedOn() throws Exception {
        FailoverConfig before = store.load();
        FailoverConfig after = before.withResource(Resource.of("vip", "vip", Map.of("ip", "127.0.0.5")));
        store.save(before, after);
        assertThat(store.load()).isEqualTo(after);
        assertThat(cluster.proposedOn).containsExactly(0L);
        assertThatThrownBy(() -> store.save(before, FailoverConfig.EMPTY)).hasMessageContaining("changed meanwhile");
    }

    @Test
    void refusedWithoutQuorumAndNothingChanges() {
        cluster.quorate = false;
        FailoverConfig before = store.load();
        assertThatThrownBy(() -> store.save(before, before.withResource(Resource.of("vip", "vip", Map.of()))))
                .hasMessageContaining("no quorum");
        assertThat(store.load()).isEqualTo(before);
    }

    @Test
    void refusedWhenTheClusterConfigurationWouldBeInvalid() {
        FailoverConfig before = store.load();
        FailoverConfig bad = before.withResource(Resource.of("vip", "vip", Map.of()))
                .withGroup(new org.duplex.api.model.ResourceGroup(org.duplex.api.model.ResourceId.of("web"),
                        List.of(org.duplex.api.model.ResourceId.of("vip")),
                        List.of(org.duplex.api.model.NodeId.of("ghost"))),
                        org.duplex.api.failover.GroupPolicy.DEFAULT);
        assertThatThrownBy(() -> store.save(before, bad)).hasMessageContaining("unknown node 'ghost'");
        assertThat(cluster.proposedOn).isEmpty();
    }

    @Test
    void listenersHearMappedChangesOnlyAndAnUnmappableVersionKeepsTheLastGoodOne() throws Exception {
        List<FailoverConfig> heard = new ArrayList<>();
        store.addListener(heard::add);
        ClusterConfig good = cluster.config.withResources(List.of(new ResourceConfig("vip", "vip", Map.of())))
                .stamped(1, 1);
        cluster.set(good);
        cluster.set(good.withNodeMode(org.duplex.api.model.NodeId.of("n1"),
                org.duplex.api.model.NodeMode.STANDBY).stamped(2, 1)); // no failover-visible change
        cluster.set(good.withResources(List.of(new ResourceConfig("vip", "vip", Map.of("stop-timeout", "never"))))
                .stamped(3, 1));
        assertThat(heard).hasSize(1);
        assertThat(store.load()).isEqualTo(heard.get(0));
    }
}
