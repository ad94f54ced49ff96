package org.duplex.heartbeat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.frame.ClusterKey;
import org.duplex.heartbeat.frame.Frame;
import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.status.NodeStatus;
import org.duplex.heartbeat.status.StatusCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker on the heartbeat network sends forged, replayed, foreign and broken frames at a real node over UDP:
 * each is rejected, counted under its reason and source, and none makes the peer look alive.
 */
class SecurityTest {

    @TempDir
    Path dir;

    @Test
    void forgedReplayedForeignAndTruncatedFramesAreRejectedAndCounted() throws Exception {
        Path keyFile = TestNode.key(dir);
        byte[] key = ClusterKey.load(keyFile);
        FrameCodec good = new FrameCodec("prod", key);
        FrameCodec forger = new FrameCodec("prod", "not the cluster key, but 32 long".getBytes(StandardCharsets.US_ASCII));
        FrameCodec foreign = new FrameCodec("test", key);
        byte[] payload = StatusCodec.encodeCompact(NodeStatus.UNKNOWN);
        int port = TestNode.freeUdpPort();
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                TestNode a = new TestNode("nodeA", keyFile, Duration.ofSeconds(30), "nodeB")) {
            int attackerPort = attacker.getLocalPort();
            a.link(Map.of("name", "udp0", "type", "udp", "local.address", "127.0.0.1", "port", port, "peers",
                    "nodeB=127.0.0.1:" + attackerPort + ",nodeC=127.0.0.1:" + attackerPort));
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            String source = "127.0.0.1:" + attackerPort;
            RejectionCounters counters = a.node.rejections();

            send(attacker, target, forger.encode(frame("prod", "nodeB", 100, 1, payload)));
            send(attacker, target, foreign.encode(frame("test", "nodeB", 100, 2, payload)));
            byte[] valid = good.encode(frame("prod", "nodeB", 100, 3, payload));
            send(attacker, target, Arrays.copyOf(valid, valid.length - 5));
            byte[] v2 = valid.clone();
            v2[2] = 9;
            send(attacker, target, v2);
            send(attacker, target, new byte[1500]);
            send(attacker, target, good.encode(frame("prod", "nodeZ", 100, 1, payload)));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.total() == 6);
            assertThat(counters.total(RejectReason.BAD_HMAC)).isEqualTo(1);
            assertThat(counters.total(RejectReason.WRONG_CLUSTER)).isEqualTo(1);
            assertThat(counters.total(RejectReason.TRUNCATED)).isEqualTo(1);
            assertThat(counters.total(RejectReason.UNKNOWN_VERSION)).isEqualTo(1);
            assertThat(counters.total(RejectReason.OVERSIZED)).isEqualTo(1);
            assertThat(counters.total(RejectReason.UNKNOWN_SENDER)).isEqualTo(1);
            assertThat(a.node.linkState(NodeId.of("nodeB"), "udp0")).as("nothing forged was heard")
                    .isEqualTo(LinkState.UNKNOWN);

            // A genuine frame is accepted; the same frame again, or an older one, is a replay.
            send(attacker, target, valid);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> a.node.linkState(NodeId.of("nodeB"), "udp0") == LinkState.UP);
            send(attacker, target, valid);
            send(attacker, target, good.encode(frame("prod", "nodeB", 100, 2, payload)));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.total(RejectReason.REPLAY) == 2);

            // The peer restarts (higher incarnation); a frame of its previous life is then refused.
            send(attacker, target, good.encode(frame("prod", "nodeB", 200, 1, payload)));
            send(attacker, target, good.encode(frame("prod", "nodeB", 100, 50, payload)));
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.total(RejectReason.OLD_INCARNATION) == 1);

            assertThat(counters.rows()).allSatisfy(r -> {
                assertThat(r.link()).isEqualTo("udp0");
                assertThat(r.source()).isEqualTo(source);
            });
            assertThat(a.node.links().get(0).rejected()).isEqualTo(9);
        }
    }

    static Frame frame(String cluster, String sender, long incarnation, long seq, byte[] payload) {
        return new Frame(cluster, sender, "udp0", incarnation, seq, System.currentTimeMillis(),
                Frame.PayloadType.COMPACT_STATUS, payload);
    }

    static void send(DatagramSocket s, InetSocketAddress to, byte[] data) throws java.io.IOException {
        s.send(new DatagramPacket(data, data.length, to));
    }

    @Test
    void aLinkDoesNotStartWithoutAReadableKey() {
        try (TestNode a = new TestNode("nodeA", dir.resolve("missing.key"), Duration.ofSeconds(2), "nodeB")) {
            a.link(Map.of("name", "udp0", "type", "udp", "local.address", "127.0.0.1", "port", 9999, "peers",
                    "nodeB=127.0.0.1:9"));
            assertThat(a.node.links().get(0).running()).isFalse();
            assertThat(a.node.links().get(0).detail()).contains("missing.key is missing or unreadable")
                    .contains("ha:keygen");
        }
    }
}
