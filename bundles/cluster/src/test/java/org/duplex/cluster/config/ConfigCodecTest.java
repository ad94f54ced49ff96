package org.duplex.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {

    static ClusterConfig sample() {
        return new ClusterConfig(4, 2, "prod",
                List.of(NodeConfig.member("n1"), NodeConfig.member("n2"),
                        new NodeConfig("w1", NodeRole.WITNESS, 1, NodeMode.ONLINE, "10.0.0.3:7800")),
                List.of(new LinkConfig("serial0", LinkKind.SERIAL, Map.of("device", "/dev/ttyS0"))),
                List.of(new ResourceConfig("vip", "vip", Map.of("ip", "10.0.0.100/24")),
                        new ResourceConfig("db", "process", Map.of("cmd", "postgres"))),
                List.of(new GroupConfig("g1", List.of("vip", "db"), List.of("n1", "n2"))),
                new PolicyConfig(NoQuorumPolicy.FREEZE, 50, 2), List.of(), List.of());
    }

    @Test
    void nodeModesListEveryConfiguredNodeWithItsMode() throws ConfigException {
        ClusterConfig c = sample().withNodeMode(org.duplex.api.model.NodeId.of("n2"), NodeMode.STANDBY);
        Map<org.duplex.api.model.NodeId, NodeMode> expected = Map.of(org.duplex.api.model.NodeId.of("n1"),
                NodeMode.ONLINE, org.duplex.api.model.NodeId.of("n2"), NodeMode.STANDBY,
                org.duplex.api.model.NodeId.of("w1"), NodeMode.ONLINE);
        assertThat(c.nodeModes()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(ConfigCodec.parse(ConfigCodec.write(c, ConfigCodec.Format.YAML), ConfigCodec.Format.YAML)
                .nodeModes()).isEqualTo(c.nodeModes());
        assertThat(ConfigCodec.parse("clusterName: x\nnodes: [{id: a}, {id: b, mode: maintenance}]\n",
                ConfigCodec.Format.YAML).nodeModes()).containsExactly(
                Map.entry(org.duplex.api.model.NodeId.of("a"), NodeMode.ONLINE),
                Map.entry(org.duplex.api.model.NodeId.of("b"), NodeMode.MAINTENANCE));
        assertThatThrownBy(() -> c.nodeModes().put(org.duplex.api.model.NodeId.of("n1"), NodeMode.STANDBY))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void yamlAndJsonRoundTrip() throws ConfigException {
        ClusterConfig c = sample();
        for (ConfigCodec.Format f : ConfigCodec.Format.values()) {
            String text = ConfigCodec.write(c, f);
            assertThat(ConfigCodec.parse(text, f)).isEqualTo(c);
        }
        assertThat(ConfigCodec.write(c, ConfigCodec.Format.YAML)).contains("clusterName: prod");
    }

    @Test
    void defaultsAndCaseInsensitiveEnums() throws ConfigException {
        ClusterConfig c = ConfigCodec.parse("""
                clusterName: x
                nodes:
                  - id: n1
                  - id: w
                    role: witness
                policies:
                  noQuorum: freeze
                """, ConfigCodec.Format.YAML);
        assertThat(c.nodes().get(0).votes()).isEqualTo(1);
        assertThat(c.nodes().get(1).role()).isEqualTo(NodeRole.WITNESS);
        assertThat(c.policies().noQuorum()).isEqualTo(NoQuorumPolicy.FREEZE);
    }

    @Test
    void validationErrorsNameTheFieldPath() {
        assertThatThrownBy(() -> ConfigCodec.parse("""
                clusterName: x
                nodes: [{id: n1}, {id: n2}]
                resources: [{id: vip, type: vip}]
                groups:
                  - {id: g0, resources: [vip], nodes: [n1]}
                  - {id: g1, resources: [vip2], nodes: [n9]}
                """, ConfigCodec.Format.YAML))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "groups[1].resources[0]: unknown resource 'vip2'",
                        "groups[1].nodes[0]: unknown node 'n9'"));
    }

    @Test
    void unknownFieldsBadEnumsAndMalformedInputAreNamed() {
        assertThatThrownBy(() -> ConfigCodec.parse("{\"clusterName\":\"x\",\"nodes\":[{\"id\":\"n1\",\"vote\":2}]}",
                ConfigCodec.Format.JSON)).hasMessageStartingWith("nodes[0]: unknown field 'vote'");
        assertThatThrownBy(() -> ConfigCodec.parse("clusterName: x\nnodes: [{id: n1, role: boss}]",
                ConfigCodec.Format.YAML)).hasMessageContaining("nodes[0].role: invalid value 'boss'")
                .hasMessageContaining("member, witness");
        assertThatThrownBy(() -> ConfigCodec.parse("{\"clusterName\": \"x\", ", ConfigCodec.Format.JSON))
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> ConfigCodec.parse("", ConfigCodec.Format.YAML))
                .hasMessageContaining("empty configuration");
        assertThatThrownBy(() -> ConfigCodec.parse("clusterName: x\nnodes: [{id: 'bad id'}]",
                ConfigCodec.Format.YAML)).hasMessageContaining("nodes[0].id: invalid name 'bad id'");
        assertThatThrownBy(() -> ConfigCodec.parse("clusterName: x\nnodes: [{id: w, role: witness}]",
                ConfigCodec.Format.YAML)).hasMessageContaining("at least one node must have role MEMBER");
    }

    @Test
    void diffShowsChangedLines() {
        ClusterConfig a = sample();
        ClusterConfig b = a.withNodeMode(org.duplex.api.model.NodeId.of("n2"), NodeMode.STANDBY);
        assertThat(ConfigDiff.diff(a, b)).containsExactly("- " + "  mode: ONLINE", "+ " + "  mode: STANDBY");
        assertThat(ConfigDiff.diff(a, a.stamped(9, 9))).isEmpty();
    }

    @Test
    void emptyMonitorsAndGroupPoliciesAreNotWrittenSoOlderFilesAndNodesReadTheSame() {
        ClusterConfig c = ClusterConfig.initial("c", List.of(NodeConfig.member("n1")))
                .withGroups(List.of(new GroupConfig("web", List.of("vip"), List.of("n1"))));
        assertThat(ConfigCodec.write(c, ConfigCodec.Format.JSON)).doesNotContain("policy").doesNotContain("monitors");
        assertThat(new String(ConfigCodec.toJsonBytes(c), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("monitors");
    }

    @Test
    void theValidatorNamesTheFieldOfEveryBadMonitorBindingButLeavesItsParametersToTheFailoverBundle() {
        ClusterConfig c = ClusterConfig.initial("c", List.of(NodeConfig.member("n1"), NodeConfig.member("n2")))
                .withResources(List.of(new ResourceConfig("app", "process", Map.of("command", "x"))))
                .withGroups(List.of(new GroupConfig("web", List.of("app"), List.of("n1", "n2"))));
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
        ClusterConfig words = c.withMonitors(List.of(new MonitorConfig("a", "ping", "node", "web",
                Map.of("interval", "often"))));
        assertThat(ConfigValidator.problems(words)).isEmpty();
    }
}
