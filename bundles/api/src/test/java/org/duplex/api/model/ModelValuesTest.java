package org.duplex.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.junit.jupiter.api.Test;

class ModelValuesTest {

    @Test
    void nodeIdRejectsNamesThatWouldBreakConfigFilesAndCommands() {
        assertThat(NodeId.of("node-1.dc_a").value()).isEqualTo("node-1.dc_a");
        assertThatThrownBy(() -> NodeId.of("")).hasMessageContaining("invalid node id ''");
        assertThatThrownBy(() -> NodeId.of("-x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeId.of("a b")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> NodeId.of("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupStopsInReverseStartOrderAndRejectsDuplicates() {
        ResourceGroup g = new ResourceGroup(ResourceId.of("web"),
                List.of(ResourceId.of("disk"), ResourceId.of("app"), ResourceId.of("vip")),
                List.of(NodeId.of("n1"), NodeId.of("n2")));
        assertThat(g.stopOrder()).extracting(ResourceId::value).containsExactly("vip", "app", "disk");
        assertThatThrownBy(() -> new ResourceGroup(ResourceId.of("web"),
                List.of(ResourceId.of("a"), ResourceId.of("a")), List.of(NodeId.of("n1"))))
                .hasMessageContaining("group web: a resource is listed twice");
        assertThatThrownBy(() -> new ResourceGroup(ResourceId.of("web"), List.of(ResourceId.of("a")), List.of()))
                .hasMessageContaining("needs at least one node");
    }

    @Test
    void resourceParamsAreImmutableAndTimeoutsMustBePositive() {
        var params = new java.util.HashMap<String, String>(Map.of("ip", "10.0.0.9"));
        Resource r = Resource.of("vip", "vip", params);
        params.put("ip", "changed");
        assertThat(r.params()).containsEntry("ip", "10.0.0.9");
        assertThatThrownBy(() -> new OperationTimeouts(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("start timeout must be positive");
    }

    @Test
    void onlyAnOnlineAliveMemberRunsResources() {
        Node n = new Node(NodeId.of("n1"), NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE);
        assertThat(n.canRunResources()).isTrue();
        assertThat(n.withMode(NodeMode.STANDBY).canRunResources()).isFalse();
        assertThat(n.withLiveness(Liveness.SUSPECT).canRunResources()).isFalse();
        assertThat(new Node(NodeId.of("w"), NodeRole.WITNESS, NodeMode.ONLINE, Liveness.ALIVE).canRunResources())
                .isFalse();
        assertThat(Liveness.PARTITIONED.mayBeRunning()).isTrue();
        assertThat(Liveness.DEAD.mayBeRunning()).isFalse();
    }

    @Test
    void ocfExitCodesMapBothWays() {
        assertThat(OcfStatus.fromExitCode(0)).isEqualTo(OcfStatus.SUCCESS);
        assertThat(OcfStatus.fromExitCode(7)).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(OcfStatus.fromExitCode(-1)).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(OcfStatus.fromExitCode(99)).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(OcfStatus.NOT_RUNNING.code()).isEqualTo(7);
    }
}
