package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;

/** The configuration contract of etc/org.duplex.failover.fence-<name>.cfg, and its error messages. */
class FenceDeviceConfigTest {

    private static final String FILE = "file:/opt/duplex/etc/org.duplex.failover.fence-ipmi1.cfg";

    @Test
    void defaultsAndNameFromTheFile() {
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("felix.fileinstall.filename", FILE,
                "service.pid", "org.duplex.failover.fence~ipmi1", "service.factoryPid", "org.duplex.failover.fence",
                "org.apache.felix.configadmin.revision", "1", "service.bundleLocation", "?", "type", "exec", "command", "/usr/local/sbin/fence-node", "nodes", " node1, node2 "));

        assertThat(c.name()).isEqualTo("ipmi1");
        assertThat(c.type()).isEqualTo("exec");
        assertThat(c.nodes()).containsExactly(NodeId.of("node1"), NodeId.of("node2"));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.params()).containsOnly(Map.entry("command", "/usr/local/sbin/fence-node"));
        assertThat(c.covers(NodeId.of("node2"))).isTrue();
        assertThat(c.covers(NodeId.of("node3"))).isFalse();
    }

    @Test
    void explicitNameTimeoutAndRetry() {
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("name", "pdu", "type", "EXEC", "command", "/bin/true",
                "nodes", "node3", "timeout", "1500ms", "retry.interval", "2s"));

        assertThat(c.name()).isEqualTo("pdu");
        assertThat(c.type()).isEqualTo("exec");
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void everyProblemIsReportedWithTheFile() {
        assertThatThrownBy(() -> FenceDeviceConfig.parse(Map.of("felix.fileinstall.filename", FILE,
                "timeout", "soon", "retry.interval", "0")))
                .hasMessageContaining("/opt/duplex/etc/org.duplex.failover.fence-ipmi1.cfg")
                .hasMessageContaining("type is missing")
                .hasMessageContaining("nodes is missing")
                .hasMessageContaining("timeout: 'soon' is not a duration")
                .hasMessageContaining("retry.interval: must be positive");
        assertThatThrownBy(() -> FenceDeviceConfig.parse(Map.of("type", "exec", "nodes", "node1,bad name")))
                .hasMessageContaining("'bad name' is not a node id");
    }

    @Test
    void unknownTypesAreRefusedNamingTheKnownOnes() {
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("name", "pdu", "type", "apc-snmp", "nodes", "node1"));
        assertThatThrownBy(() -> FenceDeviceTypes.create(c))
                .hasMessageContaining("pdu").hasMessageContaining("unknown type 'apc-snmp'")
                .hasMessageContaining("known types: exec, ipmi");
    }
}
