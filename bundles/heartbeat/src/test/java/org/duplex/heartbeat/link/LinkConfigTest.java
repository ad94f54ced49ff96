package org.duplex.heartbeat.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;

class LinkConfigTest {

    @Test
    void udpWithDefaults() {
        LinkConfig c = LinkConfig.parse(Map.of("name", "udp0", "type", "udp", "local.address", "10.0.0.1",
                "peers", "node2=10.0.0.2:7400, node3=10.0.0.3:7401"));
        assertThat(c.type()).isEqualTo(LinkKind.UDP);
        assertThat(c.port()).isEqualTo(7400);
        assertThat(c.timing().interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.timing().dead()).isEqualTo(Duration.ofMillis(600));
        assertThat(c.timing().warn()).isEqualTo(Duration.ofMillis(400));
        assertThat(c.peers()).hasSize(2);
        assertThat(c.peers().get(1).address().orElseThrow().getPort()).isEqualTo(7401);
        assertThat(c.peerIds(NodeId.of("node2"))).containsExactly(NodeId.of("node3"));
    }

    @Test
    void serialAndDisk() {
        LinkConfig s = LinkConfig.parse(Map.of("name", "serial0", "type", "serial", "device", "/dev/ttyS0",
                "peers", new String[] {"node2"}));
        assertThat(s.baud()).isEqualTo(19200);
        LinkConfig d = LinkConfig.parse(Map.of("name", "disk0", "type", "DISK", "path", "/dev/sdb",
                "slots", new String[] {"node1", "node2", "node3"}, "interval.ms", 500L, "warn.ms", "1000",
                "dead.ms", "3000"));
        assertThat(d.nodeCount()).isEqualTo(3);
        assertThat(d.slotSize()).isEqualTo(4096);
        assertThat(d.peerIds(NodeId.of("node2"))).containsExactly(NodeId.of("node1"), NodeId.of("node3"));
        assertThat(d.timing().dead()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "x", "type", "carrier-pigeon")))
                .hasMessageContaining("'type' must be udp, tcp, serial or disk");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "u", "type", "udp", "peers", "node2")))
                .hasMessageContaining("peer node2 has no address");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "u", "type", "udp", "peers", "node2=h:x")))
                .hasMessageContaining("port is not a number");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "s", "type", "serial", "device", "/dev/ttyS0",
                "peers", "a,b"))).hasMessageContaining("exactly one node");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "d", "type", "disk", "path", "/x", "slots",
                "a,b", "slot.size", "1000"))).hasMessageContaining("multiple of 512");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("name", "u", "type", "udp", "peers", "n=h:1",
                "dead.ms", "300"))).hasMessageContaining("at least twice the interval");
        assertThatThrownBy(() -> LinkConfig.parse(Map.of("type", "udp"))).hasMessageContaining("'name'");
    }

    @Test
    void multicastNeedsNoPeerAddresses() {
        LinkConfig c = LinkConfig.parse(Map.of("name", "mc", "type", "udp", "multicast.group", "239.192.0.1",
                "peers", List.of("node2", "node3")));
        assertThat(c.multicastGroup()).hasValue("239.192.0.1");
    }
}
