package org.duplex.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.failover.FailoverConfig;
import org.duplex.api.failover.GroupPolicy;
import org.duplex.api.failover.MonitorBinding;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.config.MonitorConfig;
import org.duplex.cluster.config.NodeConfig;
import org.junit.jupiter.api.Test;

/** Monitor bindings in the replicated cluster configuration: mapping both ways, files, wire, validation. */
class MonitorMappingTest {

    private static final ClusterConfig BASE = ClusterConfig.initial("c",
            List.of(NodeConfig.member("n1"), NodeConfig.member("n2")));

    private static FailoverConfig sample() {
        return FailoverConfig.EMPTY.withResource(Resource.of("app", "process", Map.of("command", "x")))
                .withGroup(new ResourceGroup(ResourceId.of("web"), List.of(ResourceId.of("app")),
                        List.of(NodeId.of("n1"), NodeId.of("n2"))), GroupPolicy.DEFAULT)
                .withMonitor(new MonitorBinding(ResourceId.of("disk-var"), "disk", MonitorBinding.Scope.RESOURCE,
                        ResourceId.of("app"), Duration.ofSeconds(30), Duration.ofSeconds(2), 1,
                        Map.of("path", "/var")))
                .withMonitor(new MonitorBinding(ResourceId.of("gw"), "ping", MonitorBinding.Scope.NODE,
                        ResourceId.of("web"), Duration.ofSeconds(5), Duration.ofMillis(1500), 3,
                        Map.of("host", "10.0.0.1")));
    }

    @Test
    void bindingsGoToTheClusterConfigurationAndBackUnchanged() throws Exception {
        ClusterConfig c = FailoverMapping.toCluster(BASE, sample());
        assertThat(c.monitors()).containsExactly(
                new MonitorConfig("disk-var", "disk", "resource", "app", Map.of("path", "/var", "interval", "30s",
                        "timeout", "2s", "count", "1")),
                new MonitorConfig("gw", "ping", "node", "web", Map.of("host", "10.0.0.1", "interval", "5s",
                        "timeout", "1500ms", "count", "3")));
        assertThat(FailoverMapping.toFailover(c)).isEqualTo(sample());
        assertThat(ConfigValidator.problems(c)).isEmpty();
        for (ConfigCodec.Format fmt : ConfigCodec.Format.values()) {
            ClusterConfig back = ConfigCodec.parse(ConfigCodec.write(c, fmt), fmt);
            assertThat(FailoverMapping.toFailover(back)).as(fmt.name()).isEqualTo(sample());
        }
        assertThat(FailoverMapping.toFailover(ConfigCodec.fromJsonBytes(ConfigCodec.toJsonBytes(c))))
                .as("the wire").isEqualTo(sample());
    }

    @Test
    void withoutBindingsNothingIsWrittenSoOlderNodesAndFilesReadIt() throws Exception {
        FailoverConfig none = sample().withoutMonitor(ResourceId.of("gw")).withoutMonitor(ResourceId.of("disk-var"));
        ClusterConfig c = FailoverMapping.toCluster(BASE, none);
        assertThat(ConfigCodec.write(c, ConfigCodec.Format.JSON)).doesNotContain("monitors");
        assertThat(new String(ConfigCodec.toJsonBytes(c), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("monitors");
        assertThat(FailoverMapping.toFailover(c).monitors()).isEmpty();
    }

    @Test
    void theValidatorNamesTheFieldOfEveryBadBinding() {
        ClusterConfig c = FailoverMapping.toCluster(BASE, sample().withoutMonitor(ResourceId.of("gw"))
                .withoutMonitor(ResourceId.of("disk-var")));
        ClusterConfig bad = c.withMonitors(List.of(
                new MonitorConfig("a", "ping", "group", "web", Map.of()),
                new MonitorConfig("b", "", "node", "web", Map.of()),
                new MonitorConfig("c", "ping", "node", "nope", Map.of()),
                new MonitorConfig("d", "ping", "resource", "web", Map.of()),
                new MonitorConfig("d", "ping", "node", "web", Map.of()),
                new MonitorConfig("e", "ping", "node", null, Map.of())));
        assertThat(ConfigValidator.problems(bad)).containsExactly(
                "monitors[0].on: must be resource (the target resource fails) or node (the node is not eligible "
                        + "for the target group), was 'group'",
                "monitors[1].type: required (the monitor type, e.g. ping)",
                "monitors[2].target: unknown group 'nope'",
                "monitors[3].target: unknown resource 'web'",
                "monitors[4].id: duplicate monitor 'd'",
                "monitors[5].target: required (a group)");
        ClusterConfig badValue = c.withMonitors(List.of(new MonitorConfig("a", "ping", "node", "web",
                Map.of("interval", "often"))));
        assertThat(ConfigValidator.problems(badValue)).singleElement().satisfies(p -> assertThat(p)
                .contains("(failover)").contains("monitor a: interval: 'often' is not a duration"));
    }

    @Test
    void onFailRebootTravelsInTheParamsAndOnlyWhenSet() throws Exception {
        MonitorBinding ro = new MonitorBinding(ResourceId.of("ro"), "readonly", MonitorBinding.Scope.NODE,
                ResourceId.of("web"), Duration.ofSeconds(5), Duration.ofSeconds(2), 2, Map.of("path", "/"),
                MonitorBinding.Reaction.REBOOT);
        FailoverConfig f = sample().withMonitor(ro);
        ClusterConfig c = FailoverMapping.toCluster(BASE, f);
        assertThat(c.monitors()).contains(new MonitorConfig("ro", "readonly", "node", "web", Map.of("path", "/",
                "interval", "5s", "timeout", "2s", "count", "2", "on-fail", "reboot")));
        assertThat(c.monitors()).filteredOn(m -> !m.id().equals("ro"))
                .allSatisfy(m -> assertThat(m.params()).doesNotContainKey("on-fail"));
        assertThat(FailoverMapping.toFailover(c)).isEqualTo(f);
        ClusterConfig back = ConfigCodec.fromJsonBytes(ConfigCodec.toJsonBytes(c));
        assertThat(FailoverMapping.toFailover(back).monitors().get(ResourceId.of("ro")).reboots()).isTrue();
        ClusterConfig bad = c.withMonitors(List.of(new MonitorConfig("a", "ping", "node", "web",
                Map.of("on-fail", "explode"))));
        assertThat(ConfigValidator.problems(bad)).singleElement().satisfies(p -> assertThat(p)
                .contains("monitor a: on-fail must be ineligible or reboot, was 'explode'"));
    }
}
