package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.duplex.api.cluster.FencingEpoch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * peer.ack = written: the receiving leg acknowledges once its write() returned, so if its process (or node) stops
 * uncleanly it may lack acknowledged writes on its disk. Its receive activity log makes it mark itself Outdated
 * (no promotion) with the extents it was writing marked for resync; a resync from the primary clears both.
 */
class ReceiverCrashTest {
    static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void aSecondaryKilledWhileReceivingOutdatesItselfAndResyncsItsActivityLogExtents() throws Exception {
        int portA = MirrorPair.freePort();
        int portB = MirrorPair.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process b = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "org.duplex.mirror.tool.MirrorNode", "--size",
                Long.toString(SIZE), "--backing", dir.resolve("b.img").toString(), "--meta",
                dir.resolve("b.meta").toString(), "--listen", "127.0.0.1:" + portB, "--peer", "127.0.0.1:" + portA,
                "--skip-initial-sync")).redirectError(dir.resolve("b.log").toFile()).start();
        VolumeConfig ca = VolumeConfig.of("vol", SIZE, dir.resolve("a.img"), dir.resolve("a.meta"))
                .withListen("127.0.0.1", portA).withPeer("127.0.0.1", portB).withSkipInitialSync(true)
                .withFencing(Fencing.DONT_CARE, Duration.ofSeconds(30));
        try (MirrorVolume a = new MirrorVolume(ca, QuorumGate.standalone())) {
            String ready = new BufferedReader(new InputStreamReader(b.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(ready).as(Files.readString(dir.resolve("b.log"))).startsWith("READY");
            a.promote(new FencingEpoch(2));
            assertThat(a.awaitInSync(Duration.ofSeconds(30))).isTrue();
            MirrorPair.write(a, 0, 4096, (byte) 1);            // extent 0
            MirrorPair.write(a, 9L << 20, 4096, (byte) 2);     // extent 2
            b.destroyForcibly();
            assertThat(b.waitFor(10, TimeUnit.SECONDS)).isTrue();

            VolumeConfig cb = VolumeConfig.of("vol", SIZE, dir.resolve("b.img"), dir.resolve("b.meta"))
                    .withListen("127.0.0.1", portB).withPeer("127.0.0.1", portA).withSkipInitialSync(true);
            // reopened without its peer first: it knows it may lack acknowledged writes
            VolumeConfig alone = VolumeConfig.of("vol", SIZE, cb.backing(), cb.metaDir()).withSkipInitialSync(true);
            try (MirrorVolume solo = new MirrorVolume(alone, QuorumGate.standalone())) {
                assertThat(solo.diskState()).isEqualTo(DiskState.OUTDATED);
                assertThat(solo.dirtyBytes()).isEqualTo(8L << 20); // the two 4 MiB extents it was writing
                assertThatThrownBy(() -> solo.promote(new FencingEpoch(3))).hasMessageContaining("Outdated");
            }
            try (MirrorVolume b2 = new MirrorVolume(cb, QuorumGate.standalone())) {
                assertThat(a.awaitInSync(Duration.ofSeconds(30)) && b2.awaitInSync(Duration.ofSeconds(30)))
                        .as(b2.status().render()).isTrue();
                assertThat(b2.diskState()).isEqualTo(DiskState.UP_TO_DATE);
                assertThat(a.verify().regionsDiffering()).isZero();
            }
        } finally {
            b.destroyForcibly();
        }
        assertThat(Files.readAllBytes(dir.resolve("a.img"))).isEqualTo(Files.readAllBytes(dir.resolve("b.img")));
    }

    @Test
    void aCleanlyClosedSecondaryStaysUpToDate() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, org.duplex.mirror.gi.SplitBrainPolicy.DISCONNECT, true)
                .withFencing(Fencing.DONT_CARE, Duration.ofSeconds(30)).open()) {
            p.a.promote(p.nextEpoch());
            p.awaitInSync();
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            p.b.close();
            p.b = null;
            try (MirrorVolume again = new MirrorVolume(p.configB.withPeer(null, 0).withListen(null, 0),
                    QuorumGate.standalone())) {
                assertThat(again.diskState()).isEqualTo(DiskState.UP_TO_DATE);
                assertThat(again.dirtyBytes()).isZero();
            }
        }
    }
}
