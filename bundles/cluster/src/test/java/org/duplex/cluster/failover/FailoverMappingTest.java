package org.duplex.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.duplex.api.failover.ClusterOptions;
import org.duplex.api.failover.Colocation;
import org.duplex.api.failover.Failback;
import org.duplex.api.failover.FailoverConfig;
import org.duplex.api.failover.GroupPolicy;
import org.duplex.api.failover.OnFail;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.GroupConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.config.PolicyConfig;
import org.duplex.cluster.config.ResourceConfig;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.junit.jupiter.api.Test;

class FailoverMappingTest {

    private static final ClusterConfig BASE = ClusterConfig.initial("c",
            List.of(NodeConfig.member("n1"), NodeConfig.member("n2")));

    private static FailoverConfig sample() {
        Resource vip = new Resource(ResourceId.of("vip"), "vip", Map.of("ip", "127.0.0.42", "cidr", "8"),
                new OperationTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(30), Duration.ofSeconds(4),
                        Duration.ofMinutes(1)), Duration.ofMillis(500));
        Resource app = Resource.of("app", "process", Map.of("command", "nc -lk 8080"));
        Resource db = Resource.of("db", "script", Map.of());
        GroupPolicy web = new GroupPolicy(0, Failback.window(LocalTime.of(22, 0), LocalTime.of(6, 0)), 2,
                Duration.ZERO, OnFail.MOVE, List.of(new Colocation(ResourceId.of("data"), Colocation.Kind.APART)),
                5, false);
        GroupPolicy data = new GroupPolicy(250, Failback.MANUAL, 0, Duration.ofMinutes(10), OnFail.FENCE,
                List.of(), 0, true);
        return FailoverConfig.EMPTY.withResource(vip).withResource(app).withResource(db)
                .withGroup(new ResourceGroup(ResourceId.of("data"), List.of(ResourceId.of("db")),
                        List.of(NodeId.of("n2"), NodeId.of("n1"))), data)
                .withGroup(new ResourceGroup(ResourceId.of("web"), List.of(ResourceId.of("vip"),
                        ResourceId.of("app")), List.of(NodeId.of("n1"), NodeId.of("n2"))), web)
                .withOptions(new ClusterOptions(org.duplex.api.failover.NoQuorumPolicy.FREEZE, false,
                        ZoneId.of("UTC")));
    }

    @Test
    void failoverToClusterAndBackIsTheIdentity() {
        FailoverConfig f = sample();
        ClusterConfig c = FailoverMapping.toCluster(BASE, f);
        assertThat(FailoverMapping.toFailover(c)).isEqualTo(f);
        assertThat(c.policies().noQuorum()).isEqualTo(NoQuorumPolicy.FREEZE);
        assertThat(c.resources()).contains(new ResourceConfig("vip", "vip", Map.of("ip", "127.0.0.42", "cidr",
                "8", "monitor-interval", "500ms", "start-timeout", "1500ms", "stop-timeout", "30s",
                "monitor-timeout", "4s", "validate-timeout", "1m")));
        assertThat(c.groups().get(1).policy()).containsEntry("stickiness", "0").containsEntry("apart", "data")
                .containsEntry("failback", "window:22:00-06:00").containsEntry("failure-timeout", "0")
                .containsEntry("managed", "false");
    }

    @Test
    void survivesTheClusterFileFormatBothWays() throws Exception {
        ClusterConfig c = FailoverMapping.toCluster(BASE, sample());
        for (ConfigCodec.Format fmt : ConfigCodec.Format.values()) {
            ClusterConfig back = ConfigCodec.parse(ConfigCodec.write(c, fmt), fmt);
            assertThat(FailoverMapping.toFailover(back)).isEqualTo(sample());
        }
    }

    @Test
    void clusterGroupsWithoutPolicyTakeTheClusterWideStickinessAndThresholdThenFailoverDefaults() {
        ClusterConfig c = BASE.withResources(List.of(new ResourceConfig("vip", "vip", Map.of("ip", "127.0.0.9"))))
                .withGroups(List.of(new GroupConfig("web", List.of("vip"), List.of("n1", "n2"))));
        GroupPolicy p = FailoverMapping.toFailover(c).policyOf(ResourceId.of("web"));
        assertThat(p.stickiness()).isEqualTo(100); // PolicyConfig.DEFAULTS, not the failover bundle's 0
        assertThat(p.migrationThreshold()).isEqualTo(3);
        assertThat(p.failback()).isEqualTo(GroupPolicy.DEFAULT.failback());
        assertThat(p.onFail()).isEqualTo(GroupPolicy.DEFAULT.onFail());
        Resource vip = FailoverMapping.toFailover(c).resources().get(ResourceId.of("vip"));
        assertThat(vip.timeouts()).isEqualTo(OperationTimeouts.DEFAULTS);
        assertThat(vip.monitorInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(vip.params()).isEqualTo(Map.of("ip", "127.0.0.9"));

        ClusterConfig zero = c.withPolicies(new PolicyConfig(NoQuorumPolicy.STOP, 0, 5));
        assertThat(FailoverMapping.toFailover(zero).policyOf(ResourceId.of("web")).stickiness()).isZero();
        assertThat(FailoverMapping.toFailover(zero).policyOf(ResourceId.of("web")).migrationThreshold()).isEqualTo(5);

        // once written back every key is explicit, so the cluster-wide values no longer matter for it
        ClusterConfig written = FailoverMapping.toCluster(zero, FailoverMapping.toFailover(zero));
        assertThat(FailoverMapping.toFailover(written.withPolicies(PolicyConfig.DEFAULTS))
                .policyOf(ResourceId.of("web")).stickiness()).isZero();
    }

    @Test
    void unmappableContentIsRefusedWithAReason() {
        assertThatThrownBy(() -> FailoverMapping.toCluster(BASE, sample().withOptions(
                new ClusterOptions(org.duplex.api.failover.NoQuorumPolicy.STOP, true, ZoneId.of("UTC")))))
                .hasMessageContaining("fencing");
        assertThatThrownBy(() -> FailoverMapping.toCluster(BASE, FailoverConfig.EMPTY.withResource(
                Resource.of("vip", "vip", Map.of("monitor-interval", "1s"))))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> FailoverMapping.toFailover(BASE.withResources(List.of(
                new ResourceConfig("vip", "vip", Map.of("start-timeout", "soon"))))))
                .hasMessageContaining("start-timeout");
        assertThatThrownBy(() -> FailoverMapping.toFailover(BASE.withResources(List.of(
                new ResourceConfig("vip", "vip", Map.of()))).withGroups(List.of(
                new GroupConfig("web", List.of("vip"), List.of("n1"), Map.of("colour", "red"))))))
                .hasMessageContaining("unknown policy key 'colour'");
        assertThatThrownBy(() -> FailoverMapping.toFailover(BASE.withGroups(List.of(
                new GroupConfig("web", List.of("ghost"), List.of("n1")))))).hasMessageContaining("ghost");
    }

    @Test
    void groupsWithoutPolicyWriteNoPolicyKeySoOlderFilesAndNodesReadThem() throws Exception {
        ClusterConfig c = BASE.withGroups(List.of(new GroupConfig("web", List.of("vip"), List.of("n1"))));
        assertThat(ConfigCodec.write(c, ConfigCodec.Format.JSON)).doesNotContain("policy");
    }

    @Test
    void theClusterValidatorRefusesWhatTheFailoverEngineCouldNotUse() {
        ClusterConfig bad = BASE.withResources(List.of(new ResourceConfig("vip", "vip", Map.of(
                "monitor-interval", "often"))));
        assertThat(org.duplex.cluster.config.ConfigValidator.problems(bad))
                .anySatisfy(p -> assertThat(p).contains("(failover)").contains("monitor-interval"));
        assertThat(org.duplex.cluster.config.ConfigValidator.problems(FailoverMapping.toCluster(BASE, sample())))
                .isEmpty();
    }
}
