package org.duplex.cluster.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.api.plugin.PluginState;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.documents.ReplicatedConfig;
import org.duplex.cluster.jgroups.WireFormat;
import org.junit.jupiter.api.Test;

/** The plug-in set on the replicated configuration and the nodes' reports, on a scripted cluster (no network). */
class ReplicatedPluginsTest {

    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    /** A coordinator in a quorate partition, or not, applying changes as the core does. */
    static final class FakeCluster implements ReplicatedConfig {
        ClusterConfig config = ClusterConfig.initial("c", List.of(NodeConfig.member("n1")));
        boolean quorate = true;
        final List<Consumer<ClusterConfig>> listeners = new ArrayList<>();

        @Override
        public ClusterConfig config() {
            return config;
        }

        @Override
        public ProposeResult propose(ClusterConfig candidate, long baseVersion) {
            if (!quorate) {
                return new ProposeResult(ProposeResult.Status.REJECTED, config.version(),
                        "refused: this partition has no quorum (1 of 2 votes)");
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
    private MembershipView view = new MembershipView("v1", List.of(N1));
    private final List<ClusterMessage> sent = new ArrayList<>();
    private final ReplicatedPlugins plugins = new ReplicatedPlugins(N1, cluster, () -> view,
            (to, m) -> sent.add(m), Duration.ofSeconds(1));

    @Test
    void installAndRemoveAreCompareAndSetChangesOfTheReplicatedConfiguration() throws Exception {
        List<PluginSet> seen = new ArrayList<>();
        plugins.addListener(seen::add);
        PluginSet before = plugins.wanted();
        assertThat(before.names()).isEmpty();
        PluginSet after = plugins.save(before, Set.of("duplex-plugin-ping"));
        assertThat(after.names()).containsExactly("duplex-plugin-ping");
        assertThat(after.version()).isEqualTo(1);
        assertThat(cluster.config().plugins()).containsExactly("duplex-plugin-ping");
        assertThat(seen).containsExactly(after);
        assertThatThrownBy(() -> plugins.save(before, Set.of())).hasMessageContaining("changed meanwhile");
        // another configuration change: same set, newer version (nodes report which version they applied)
        cluster.set(cluster.config().withNodeMode(N1, org.duplex.api.model.NodeMode.STANDBY).stamped(2, 1));
        assertThat(seen).hasSize(2).last().isEqualTo(new PluginSet(2, Set.of("duplex-plugin-ping")));
        cluster.set(cluster.config());
        assertThat(seen).as("the same version again is no news").hasSize(2);
        plugins.save(plugins.wanted(), Set.of());
        assertThat(seen).hasSize(3).last().extracting(PluginSet::names).isEqualTo(Set.of());
    }

    @Test
    void refusedWithoutQuorumOrForNamesThatAreNotPlugins() {
        cluster.quorate = false;
        assertThatThrownBy(() -> plugins.save(plugins.wanted(), Set.of("duplex-plugin-ping")))
                .hasMessageContaining("refused").hasMessageContaining("no quorum");
        cluster.quorate = true;
        assertThatThrownBy(() -> plugins.save(plugins.wanted(), Set.of("duplex-core")))
                .hasMessageContaining("not plug-in feature names: [duplex-core]");
        assertThat(cluster.config().plugins()).isEmpty();
    }

    @Test
    void theSetIsOmittedWhenEmptyAndSurvivesFilesAndTheWire() throws Exception {
        ClusterConfig base = ClusterConfig.initial("c", List.of(NodeConfig.member("n1")));
        assertThat(ConfigCodec.write(base, ConfigCodec.Format.JSON)).doesNotContain("plugins");
        ClusterConfig c = base.withPlugins(List.of("duplex-plugin-b", "duplex-plugin-a", "duplex-plugin-a"));
        assertThat(c.plugins()).containsExactly("duplex-plugin-a", "duplex-plugin-b");
        for (ConfigCodec.Format f : ConfigCodec.Format.values()) {
            assertThat(ConfigCodec.parse(ConfigCodec.write(c, f), f)).as(f.name()).isEqualTo(c);
        }
        assertThat(ConfigCodec.fromJsonBytes(ConfigCodec.toJsonBytes(c))).isEqualTo(c);
        assertThat(ConfigValidator.problems(c.withPlugins(List.of("ping", "duplex-plugin-ok")))).containsExactly(
                "plugins[1]: 'ping' is not a plug-in feature name (duplex-plugin-NAME, lower case)");
    }

    @Test
    void reportsTravelKeepOnlyViewMembersAndAreRepeatedToJoiners() {
        NodePlugins mine = new NodePlugins(N1, 3, Map.of("duplex-plugin-ping", new PluginState("duplex-plugin-ping",
                PluginState.Status.INSTALLED, "")), Instant.ofEpochMilli(1000));
        plugins.publish(mine);
        assertThat(plugins.reports()).containsExactly(Map.entry(N1, mine));
        assertThat(sent).hasSize(1);
        // what the peer sees after the wire
        ClusterMessage wire = WireFormat.decode(WireFormat.encode(sent.get(0))).message().orElseThrow();
        assertThat(ReplicatedPlugins.parse((ClusterMessage.PluginReport) wire)).contains(mine);

        view = new MembershipView("v2", List.of(N1, N2));
        plugins.onView(view);
        assertThat(sent).as("own report repeated to the joiner").hasSize(2);
        NodePlugins theirs = new NodePlugins(N2, 3, Map.of("duplex-plugin-ping", new PluginState(
                "duplex-plugin-ping", PluginState.Status.FAILED, "not in this node's feature repositories")),
                Instant.ofEpochMilli(2000));
        ClusterMessage.PluginReport msg = new ClusterMessage.PluginReport(N2, "v2", 3, List.of(
                new ClusterMessage.PluginReport.Entry("duplex-plugin-ping", "FAILED",
                        "not in this node's feature repositories")), 2000);
        assertThat(plugins.onMessage(msg)).isTrue();
        assertThat(plugins.reports()).containsEntry(N2, theirs);
        assertThat(plugins.onMessage(new ClusterMessage.PluginReport(N2, "v2", 4, List.of(
                new ClusterMessage.PluginReport.Entry("x", "BOGUS", "")), 1))).isTrue();
        assertThat(plugins.reports()).as("a malformed report is dropped").containsEntry(N2, theirs);

        view = new MembershipView("v3", List.of(N1));
        plugins.onView(view);
        assertThat(plugins.reports()).containsOnlyKeys(N1);
        assertThat(sent).as("nobody joined: nothing repeated").hasSize(2);
        assertThat(plugins.onMessage(new ClusterMessage.TermAck(N2, "v3", 1))).isFalse();
        assertThat(Optional.of(plugins.wanted())).get().extracting(PluginSet::names).isEqualTo(Set.of());
    }
}
