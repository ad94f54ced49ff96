package org.duplex.heartbeat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.duplex.api.liveness.LinkState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.link.serial.SerialLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serial heartbeat over a real pseudo-terminal pair made by socat: a null-modem cable that can be unplugged. */
class SerialLinkTest {

    @TempDir
    Path dir;
    Process socat;

    Process startSocat(Path a, Path b) throws IOException {
        Process p = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(a) && Files.exists(b));
        return p;
    }

    @AfterEach
    void stopSocat() throws InterruptedException {
        if (socat != null) {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static boolean hasSocat() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "socat"))) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Object> serial(Path device, String peer) {
        return Map.of("name", "serial0", "type", "serial", "device", device.toString(), "peers", peer);
    }

    @Test
    void serialLinkGoesDownWhenUnpluggedAndUpWhenReplugged() throws Exception {
        assumeTrue(hasSocat(), "socat is not installed: run scripts/install-deps.sh (serial link test needs it)");
        Path ttyA = dir.resolve("ttyA");
        Path ttyB = dir.resolve("ttyB");
        socat = startSocat(ttyA, ttyB);
        Path key = TestNode.key(dir);
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(2), "nodeB");
                TestNode b = new TestNode("nodeB", key, Duration.ofSeconds(2), "nodeA")) {
            a.link(serial(ttyA, "nodeB"));
            b.link(serial(ttyB, "nodeA"));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.liveness("nodeB") == Liveness.ALIVE
                    && b.liveness("nodeA") == Liveness.ALIVE);
            assertThat(a.node.lastReport(NodeId.of("nodeB"))).hasValueSatisfying(r -> {
                assertThat(r.diskUsedPercent()).isEqualTo(60);
                assertThat(r.peerLinks()).as("serial carries the compact status only").isEmpty();
            });

            // Unplug: socat goes away with both pseudo-terminals.
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> a.node.linkState(NodeId.of("nodeB"), "serial0") == LinkState.DOWN);
            assertThat(a.liveness("nodeB")).isEqualTo(Liveness.DEAD);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.node.links().get(0).detail().contains("absent")
                    || a.node.links().get(0).detail().contains("lost"));

            // Replug: a new pair appears under the same names; both ends reopen by themselves.
            socat = startSocat(ttyA, ttyB);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.liveness("nodeB") == Liveness.ALIVE
                    && b.liveness("nodeA") == Liveness.ALIVE);
            assertThat(a.node.links().get(0).detail()).contains("open at 19200 baud 8N1 (reopens: 1)");
        }
    }

    @Test
    void anIdleLineWithTheOtherEndSilentStaysOpen() throws Exception {
        assumeTrue(hasSocat(), "socat is not installed: run scripts/install-deps.sh (serial link test needs it)");
        Path ttyA = dir.resolve("ttyA");
        socat = startSocat(ttyA, dir.resolve("ttyB"));
        try (TestNode a = new TestNode("nodeA", TestNode.key(dir), Duration.ofSeconds(1), "nodeB")) {
            a.link(serial(ttyA, "nodeB"));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.node.links().get(0).detail().contains("open at"));
            // Nobody answers for longer than 50 read timeouts: the port must not be closed and reopened.
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> a.node.links().get(0).detail().contains("open at"));
            assertThat(a.node.links().get(0).detail()).doesNotContain("reopens");
            assertThat(a.liveness("nodeB")).isEqualTo(Liveness.DEAD);
        }
    }

    @Test
    void aHeartbeatFitsTheSerialBudget() {
        // cluster "production", node ids of 10 characters, link "serial0", compact status
        int frame = org.duplex.heartbeat.frame.FrameCodec.MIN_FRAME + 10 + 10 + 7 + 12;
        double perSecond = SerialLink.bytesPerSecond(frame, 200);
        assertThat(perSecond).isLessThan(19200 / 10.0 / 3); // under a third of the line at 19200 8N1
    }
}
