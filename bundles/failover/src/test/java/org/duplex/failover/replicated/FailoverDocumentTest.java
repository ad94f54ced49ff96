package org.duplex.failover.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.model.ClusterOptions;
import org.duplex.failover.model.Colocation;
import org.duplex.failover.model.Failback;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.GroupPolicy;
import org.duplex.failover.model.MonitorBinding;
import org.duplex.failover.model.NoQuorumPolicy;
import org.duplex.failover.model.OnFail;
import org.junit.jupiter.api.Test;

/**
 * The failover document both ways. {@code failover-document.json} was written by the cluster bundle's
 * FailoverMapping before the mapping moved here (the resources, groups, monitors and policies sections of a
 * cluster configuration file): reading it and writing it back proves files and nodes of that version still agree.
 */
class FailoverDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMPTY = "{}";

    static FailoverConfig sample() {
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
                .withOptions(new ClusterOptions(NoQuorumPolicy.FREEZE, false, ZoneId.of("UTC")))
                .withMonitor(new MonitorBinding(ResourceId.of("disk-var"), "disk", MonitorBinding.Scope.RESOURCE,
                        ResourceId.of("app"), Duration.ofSeconds(30), Duration.ofSeconds(2), 1,
                        Map.of("path", "/var")))
                .withMonitor(new MonitorBinding(ResourceId.of("gw"), "ping", MonitorBinding.Scope.NODE,
                        ResourceId.of("web"), Duration.ofSeconds(5), Duration.ofMillis(1500), 3,
                        Map.of("host", "10.0.0.1")))
                .withMonitor(new MonitorBinding(ResourceId.of("ro"), "readonly", MonitorBinding.Scope.NODE,
                        ResourceId.of("web"), Duration.ofSeconds(5), Duration.ofSeconds(2), 2, Map.of("path", "/"),
                        MonitorBinding.Reaction.REBOOT));
    }

    static String stored() throws IOException {
        try (InputStream in = FailoverDocumentTest.class.getResourceAsStream("failover-document.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode tree(String json) throws IOException {
        return JSON.readTree(json);
    }

    @Test
    void theDocumentStoredBeforeTheMoveReadsAsTheSameConfigurationAndIsWrittenBackAsItWas() throws Exception {
        assertThat(FailoverDocument.read(stored())).isEqualTo(sample());
        assertThat(tree(FailoverDocument.write(stored(), sample()))).isEqualTo(tree(stored()));
    }

    @Test
    void writtenAndReadBackIsTheIdentity() {
        FailoverConfig f = sample();
        assertThat(FailoverDocument.read(FailoverDocument.write(EMPTY, f))).isEqualTo(f);
        assertThat(FailoverDocument.read(FailoverDocument.write(EMPTY, FailoverConfig.EMPTY)))
                .isEqualTo(FailoverConfig.EMPTY);
    }

    @Test
    void groupsWithoutPolicyTakeTheClusterWideStickinessAndThresholdThenFailoverDefaults() throws Exception {
        String doc = """
                {"resources": [{"id": "vip", "type": "vip", "params": {"ip": "127.0.0.9"}}],
                 "groups": [{"id": "web", "resources": ["vip"], "nodes": ["n1", "n2"]}]}
                """;
        GroupPolicy p = FailoverDocument.read(doc).policyOf(ResourceId.of("web"));
        assertThat(p.stickiness()).isEqualTo(100); // the cluster-wide default, not the failover bundle's 0
        assertThat(p.migrationThreshold()).isEqualTo(3);
        assertThat(p.failback()).isEqualTo(GroupPolicy.DEFAULT.failback());
        assertThat(p.onFail()).isEqualTo(GroupPolicy.DEFAULT.onFail());
        Resource vip = FailoverDocument.read(doc).resources().get(ResourceId.of("vip"));
        assertThat(vip.timeouts()).isEqualTo(OperationTimeouts.DEFAULTS);
        assertThat(vip.monitorInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(vip.params()).isEqualTo(Map.of("ip", "127.0.0.9"));
        assertThat(FailoverDocument.read(doc).options().noQuorumPolicy()).isEqualTo(NoQuorumPolicy.STOP);

        String zero = doc.replace("}]}", "}], \"policies\": {\"noQuorum\": \"stop\", \"stickiness\": 0, "
                + "\"migrationThreshold\": 5}}");
        assertThat(FailoverDocument.read(zero).policyOf(ResourceId.of("web")).stickiness()).isZero();
        assertThat(FailoverDocument.read(zero).policyOf(ResourceId.of("web")).migrationThreshold()).isEqualTo(5);

        // once written back every key is explicit, and the cluster-wide values are kept as they were
        String written = FailoverDocument.write(zero, FailoverDocument.read(zero));
        assertThat(tree(written).get("groups").get(0).get("policy").get("stickiness").asText()).isEqualTo("0");
        assertThat(tree(written).get("policies").get("migrationThreshold").asInt()).isEqualTo(5);
        String clusterWide = "\"stickiness\":0,\"migrationThreshold\":5";
        assertThat(written).contains(clusterWide);
        assertThat(FailoverDocument.read(written.replace(clusterWide, "\"stickiness\":100,\"migrationThreshold\":3"))
                .policyOf(ResourceId.of("web")).stickiness()).isZero();
    }

    @Test
    void unmappableContentIsRefusedWithAReason() {
        assertThatThrownBy(() -> FailoverDocument.write(EMPTY, sample().withOptions(
                new ClusterOptions(NoQuorumPolicy.STOP, true, ZoneId.of("UTC"))))).hasMessageContaining("fencing");
        assertThatThrownBy(() -> FailoverDocument.write(EMPTY, FailoverConfig.EMPTY.withResource(
                Resource.of("vip", "vip", Map.of("monitor-interval", "1s"))))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> FailoverDocument.read(
                "{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\", \"params\": {\"start-timeout\": \"soon\"}}]}"))
                .hasMessageContaining("start-timeout");
        assertThatThrownBy(() -> FailoverDocument.read("{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\"}],"
                + " \"groups\": [{\"id\": \"web\", \"resources\": [\"vip\"], \"nodes\": [\"n1\"],"
                + " \"policy\": {\"colour\": \"red\"}}]}")).hasMessageContaining("unknown policy key 'colour'");
        assertThatThrownBy(() -> FailoverDocument.read(
                "{\"groups\": [{\"id\": \"web\", \"resources\": [\"ghost\"], \"nodes\": [\"n1\"]}]}"))
                .hasMessageContaining("ghost");
        assertThatThrownBy(() -> FailoverDocument.read("{\"policies\": {\"noQuorum\": \"panic\"}}"))
                .hasMessageContaining("noQuorum").hasMessageContaining("panic");
        assertThatThrownBy(() -> FailoverDocument.read("{\"resources\": 7}"))
                .hasMessageContaining("not readable");
    }

    @Test
    void monitorBindingsKeepTheirWordsInTheParamsAndOnFailOnlyWhenItIsReboot() throws Exception {
        JsonNode monitors = tree(FailoverDocument.write(EMPTY, sample())).get("monitors");
        assertThat(monitors.get(0).get("params").has("on-fail")).isFalse();
        assertThat(monitors.get(2).get("params").get("on-fail").asText()).isEqualTo("reboot");
        assertThat(FailoverDocument.read(FailoverDocument.write(EMPTY, sample())).monitors()
                .get(ResourceId.of("ro")).reboots()).isTrue();
        String doc = "{\"resources\": [{\"id\": \"app\", \"type\": \"process\"}],"
                + " \"groups\": [{\"id\": \"web\", \"resources\": [\"app\"], \"nodes\": [\"n1\"]}],"
                + " \"monitors\": [{\"id\": \"a\", \"type\": \"ping\", \"on\": \"node\", \"target\": \"web\","
                + " \"params\": {%s}}]}";
        assertThatThrownBy(() -> FailoverDocument.read(doc.formatted("\"on-fail\": \"explode\"")))
                .hasMessageContaining("monitor a: on-fail must be ineligible or reboot, was 'explode'");
        assertThatThrownBy(() -> FailoverDocument.read(doc.formatted("\"interval\": \"often\"")))
                .hasMessageContaining("monitor a: interval: 'often' is not a duration");
        assertThatThrownBy(() -> FailoverDocument.read(doc.formatted("").replace("\"node\"", "\"group\"")))
                .hasMessageContaining("on must be resource or node, was 'group'");
        MonitorBinding defaults = FailoverDocument.read(doc.formatted("")).monitors().get(ResourceId.of("a"));
        assertThat(defaults.interval()).isEqualTo(MonitorBinding.DEFAULT_INTERVAL);
        assertThat(defaults.count()).isEqualTo(MonitorBinding.DEFAULT_COUNT);
        assertThat(defaults.reboots()).isFalse();
    }
}
