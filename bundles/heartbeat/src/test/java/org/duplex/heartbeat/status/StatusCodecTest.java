package org.duplex.heartbeat.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.junit.jupiter.api.Test;

class StatusCodecTest {

    @Test
    void compactIsTwelveBytes() {
        NodeStatus s = new NodeStatus(1.25, 42, 87, 0xCAFEBABEL, Map.of("udp0/node2", LinkState.UP));
        byte[] b = StatusCodec.encodeCompact(s);
        assertThat(b).hasSize(StatusCodec.COMPACT_LENGTH);
        assertThat(StatusCodec.decode(b)).hasValue(s.compact());
    }

    @Test
    void fullCarriesLinkStatesAndIsBounded() {
        Map<String, LinkState> links = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            links.put("udp0/node" + i, LinkState.values()[i % 4]);
        }
        NodeStatus s = new NodeStatus(-1, -1, 12, 7, links);
        byte[] b = StatusCodec.encodeFull(s, 1024);
        assertThat(b.length).isLessThanOrEqualTo(1024);
        NodeStatus back = StatusCodec.decode(b).orElseThrow();
        assertThat(back.load1()).isEqualTo(-1);
        assertThat(back.links()).hasSize(64).containsEntry("udp0/node10", LinkState.LATE);
    }

    @Test
    void garbageIsNotAStatus() {
        for (byte[] b : List.of(new byte[0], new byte[5], new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9})) {
            assertThat(StatusCodec.decode(b)).isEmpty();
        }
    }
}
