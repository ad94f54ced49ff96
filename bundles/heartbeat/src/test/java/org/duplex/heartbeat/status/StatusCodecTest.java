package org.duplex.heartbeat.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.junit.jupiter.api.Test;

class StatusCodecTest {

    @Test
    void compactIsTwelveBytes() {
        NodeStatus s = new NodeStatus(1.25, 42, 87, Map.of("udp0/node2", LinkState.UP));
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
        NodeStatus s = new NodeStatus(-1, -1, 12, links);
        byte[] b = StatusCodec.encodeFull(s, 1024);
        assertThat(b.length).isLessThanOrEqualTo(1024);
        NodeStatus back = StatusCodec.decode(b).orElseThrow();
        assertThat(back.load1()).isEqualTo(-1);
        assertThat(back.links()).hasSize(64).containsEntry("udp0/node10", LinkState.LATE);
    }

    @Test
    void theFormerDigestBytesAreSentAsZeros() {
        byte[] b = StatusCodec.encodeFull(new NodeStatus(0.5, 40, 60, Map.of("udp0/node2", LinkState.UP)), 1024);
        assertThat(Arrays.copyOfRange(b, 4, 12)).containsOnly(0);
        assertThat(Arrays.copyOfRange(StatusCodec.encodeCompact(new NodeStatus(0.5, 40, 60, Map.of())), 4, 12))
                .containsOnly(0);
    }

    /** A node of the previous version still puts its resource digest in bytes 4-11: ignored, the rest decodes. */
    @Test
    void statusWithADigestFromAnOlderNodeStillDecodes() {
        ByteBuffer compact = ByteBuffer.allocate(12).putShort((short) 125).put((byte) 42).put((byte) 87)
                .putLong(0xCAFEBABEL);
        assertThat(StatusCodec.decode(compact.array())).hasValue(new NodeStatus(1.25, 42, 87, Map.of()));

        byte[] name = "udp0/node2".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer full = ByteBuffer.allocate(12 + 1 + 1 + name.length + 1).putShort((short) 0xFFFF).put((byte) -1)
                .put((byte) 12).putLong(-7).put((byte) 1).put((byte) name.length).put(name)
                .put((byte) LinkState.DOWN.ordinal());
        assertThat(StatusCodec.decode(full.array()))
                .hasValue(new NodeStatus(-1, -1, 12, Map.of("udp0/node2", LinkState.DOWN)));
    }

    @Test
    void garbageIsNotAStatus() {
        for (byte[] b : List.of(new byte[0], new byte[5], new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9})) {
            assertThat(StatusCodec.decode(b)).isEmpty();
        }
    }
}
