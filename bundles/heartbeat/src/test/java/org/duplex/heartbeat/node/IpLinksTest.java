package org.duplex.heartbeat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two heartbeat nodes in one JVM over loopback UDP and TCP, with real sockets and the real clock. */
class IpLinksTest {

    static final Duration DEAD = Duration.ofMillis(600); // the default dead.ms
    static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path dir;

    static Map<String, Object> udp(int local, String peer, int peerPort) {
        return Map.of("name", "udp0", "type", "udp", "local.address", "127.0.0.1", "port", local, "peers",
                peer + "=127.0.0.1:" + peerPort);
    }

    static Map<String, Object> tcp(int local, String peer, int peerPort) {
        return Map.of("name", "tcp0", "type", "tcp", "local.address", "127.0.0.1", "port", String.valueOf(local),
                "peers", new String[] {peer + "=127.0.0.1:" + peerPort});
    }

    @Test
    void peerDeathIsDetectedWithinDeadTimePlusOneIntervalAndOneCutLinkIsOnlySuspect() throws Exception {
        Path key = TestNode.key(dir);
        int ua = TestNode.freeUdpPort();
        int ub = TestNode.freeUdpPort();
        int ta = TestNode.freeTcpPort();
        int tb = TestNode.freeTcpPort();
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(3), "nodeB");
                TestNode b = new TestNode("nodeB", key, Duration.ofSeconds(3), "nodeA")) {
            a.link(udp(ua, "nodeB", ub));
            a.link(tcp(ta, "nodeB", tb));
            b.link(udp(ub, "nodeA", ua));
            b.link(tcp(tb, "nodeA", ta));

            await().atMost(Duration.ofSeconds(10)).until(() -> a.liveness("nodeB") == Liveness.ALIVE
                    && b.liveness("nodeA") == Liveness.ALIVE);
            assertThat(a.node.linkState(NodeId.of("nodeB"), "udp0")).isEqualTo(LinkState.UP);
            assertThat(a.node.linkState(NodeId.of("nodeB"), "tcp0")).isEqualTo(LinkState.UP);
            assertThat(a.node.lastReport(NodeId.of("nodeB"))).hasValueSatisfying(r -> {
                assertThat(r.memoryUsedPercent()).isEqualTo(40);
                assertThat(r.peerLinks()).containsKey("udp0/nodeA");
            });

            // Cut UDP only: B stops sending on it. A must call B suspect, and never dead.
            b.node.removeLink("udp0");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.liveness("nodeB") == Liveness.SUSPECT);
            assertThat(a.node.linkState(NodeId.of("nodeB"), "udp0")).isEqualTo(LinkState.DOWN);
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                    .until(() -> a.liveness("nodeB") == Liveness.SUSPECT);
            assertThat(a.peerEvents).extracting(PeerEvent::liveness).doesNotContain(Liveness.DEAD);
            // B's status (heard on tcp0) no longer lists its udp0 link: a changed payload is decoded anew, not
            // served from the last decoding
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.node.lastReport(NodeId.of("nodeB")))
                    .hasValueSatisfying(r -> assertThat(r.peerLinks()).doesNotContainKey("udp0/nodeA")
                            .containsKey("tcp0/nodeA")));

            // UDP comes back: alive again (the re-added link continues its sequence, so no replay rejections).
            b.link(udp(ub, "nodeA", ua));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.liveness("nodeB") == Liveness.ALIVE);
            assertThat(a.node.rejections().total()).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.node.lastReport(NodeId.of("nodeB")))
                    .hasValueSatisfying(r -> assertThat(r.peerLinks()).containsKey("udp0/nodeA")));

            // Now B dies: DEAD within dead time + one interval of the last frame heard.
            Instant stopped = Instant.now();
            b.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.liveness("nodeB") == Liveness.DEAD);
            PeerEvent dead = a.peerEvents.get(a.peerEvents.size() - 1);
            assertThat(dead.liveness()).isEqualTo(Liveness.DEAD);
            Instant lastHeard = a.node.peers().stream().filter(p -> p.peer().equals(NodeId.of("nodeB")))
                    .map(PeerStatus::links).flatMap(List::stream)
                    .map(l -> l.lastHeard().orElseThrow()).max(Instant::compareTo).orElseThrow();
            // (a few ms of slack below: decisions use the monotonic clock in whole ms, event times the wall clock)
            assertThat(Duration.between(lastHeard, dead.at())).isBetween(DEAD.minusMillis(5), DEAD.plus(INTERVAL));
            assertThat(Duration.between(stopped, dead.at())).isLessThanOrEqualTo(DEAD.plus(INTERVAL));
            assertThat(dead.reason()).contains("silent on all 2 link(s)");
        }
    }

    @Test
    void tcpReconnectsWhenThePeerComesBack() throws Exception {
        Path key = TestNode.key(dir);
        int ta = TestNode.freeTcpPort();
        int tb = TestNode.freeTcpPort();
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(1), "nodeB")) {
            a.link(tcp(ta, "nodeB", tb));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.liveness("nodeB") == Liveness.DEAD);
            try (TestNode b = new TestNode("nodeB", key, Duration.ofSeconds(1), "nodeA")) {
                b.link(tcp(tb, "nodeA", ta));
                await().atMost(Duration.ofSeconds(10)).until(() -> a.liveness("nodeB") == Liveness.ALIVE
                        && b.liveness("nodeA") == Liveness.ALIVE);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> a.liveness("nodeB") == Liveness.DEAD);
            PeerEvent dead = a.peerEvents.get(a.peerEvents.size() - 1);
            Instant lastHeard = a.node.peers().get(0).links().get(0).lastHeard().orElseThrow();
            assertThat(Duration.between(lastHeard, dead.at())).isBetween(DEAD.minusMillis(5), DEAD.plus(INTERVAL));
            assertThat(a.node.links().get(0).detail()).contains("listening 127.0.0.1:" + ta);
        }
    }
}
