package org.duplex.mirror.engine;

import org.duplex.mirror.leg.Fencing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.fence.FenceServer;
import org.duplex.mirror.fence.TcpPeerFencer;
import org.duplex.mirror.testutil.MiniNbdClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 3: a frozen primary (SIGSTOP) keeps accepting connections in its kernel, its fencing port too,
 * but never answers; the survivor refused promotion for about 10 s. The primary A runs in a forked JVM (NBD export,
 * fencing server, and a fencing path to B) and is really SIGSTOPped; the survivor B runs in this JVM with its own
 * fencing server and the real TCP fencing path to A. B's promotion is asked once, right after the freeze, as the
 * failover agent's start does: it must succeed within the peer timeout, not be refused. What B does next follows
 * the fencing rules: resource-only (a separate fencing path) resumes once the frozen primary is known not to answer,
 * resource-and-stonith (and resource-only on a shared path, see FencePathPolicy) keeps writes suspended and says
 * how to get out. The thawed A must not acknowledge a write: it needs B, which is now primary and refuses to be
 * outdated by it.
 */
class FrozenPrimaryTest {
    static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    private Process a;

    /** Quorate at epoch 3: the cluster moved on from A's promotion (epoch 2). */
    private static final QuorumGate CLUSTER = new QuorumGate() {
        @Override
        public boolean quorate() {
            return true;
        }

        @Override
        public FencingEpoch epoch() {
            return new FencingEpoch(3);
        }
    };

    @AfterEach
    void killA() throws Exception {
        if (a != null) {
            signal(a, "CONT");
            a.destroyForcibly();
            a.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSurvivorOfAFrozenPrimaryIsPromotedAndWritesWithinThePeerTimeout() throws Exception {
        Scenario s = new Scenario(Fencing.RESOURCE_ONLY);
        try (MirrorVolume b = s.openB(); FenceServer fenceB = s.fenceServerB(b)) {
            assertThat(fenceB.port()).isEqualTo(s.fenceB); // the old primary's fencing path to this node
            int nbdA = s.startA();
            byte[] acked = s.writeOnA(nbdA);

            signal(a, "STOP");
            long start = System.nanoTime();
            b.promote(new FencingEpoch(3)); // once, as the failover agent's start does: it used to be refused
            long promotedMs = (System.nanoTime() - start) / 1_000_000;
            MirrorPair.write(b, 8L << 20, 4096, (byte) 0x3C);
            long writtenMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("frozen primary (resource-only): survivor promoted after " + promotedMs
                    + " ms, its first write acknowledged after " + writtenMs + " ms (peer timeout "
                    + s.cb.peerTimeout().toMillis() + " ms)");
            assertThat(promotedMs).isLessThanOrEqualTo(s.cb.peerTimeout().toMillis());
            // the fencing path's last quarter of the peer timeout, plus a margin for this shared machine
            assertThat(writtenMs).isLessThan(s.cb.peerTimeout().toMillis() + 1000);
            assertThat(MirrorPair.read(b, 0, 4096)).as("the write the frozen primary acknowledged").isEqualTo(acked);
            assertThat(b.status().alert()).hasValueSatisfying(m -> assertThat(m)
                    .contains("not confirmed Outdated").contains("stopped or hung"));

            s.thawedAAcknowledgesNothing(nbdA);
            assertThat(MirrorPair.read(b, 8L << 20, 4096)).containsOnly((byte) 0x3C);
        }
    }

    @Test
    void withResourceAndStonithTheSurvivorKnowsWithinThePeerTimeoutAndKeepsWritesSuspended() throws Exception {
        Scenario s = new Scenario(Fencing.RESOURCE_AND_STONITH);
        try (MirrorVolume b = s.openB(); FenceServer fenceB = s.fenceServerB(b)) {
            assertThat(fenceB.port()).isEqualTo(s.fenceB); // the old primary's fencing path to this node
            int nbdA = s.startA();
            s.writeOnA(nbdA);

            signal(a, "STOP");
            long start = System.nanoTime();
            b.promote(new FencingEpoch(3));
            long promotedMs = (System.nanoTime() - start) / 1_000_000;
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                try {
                    MirrorPair.write(b, 8L << 20, 4096, (byte) 0x3C);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // the status names the frozen peer and the way out as soon as the fencing path's answer limit passed
            await().atMost(s.cb.peerTimeout().plusSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> b.status().alert().filter(m -> m.contains("stopped or hung")).isPresent());
            long knownMs = (System.nanoTime() - start) / 1_000_000;
            String alert = b.status().alert().orElseThrow();
            System.out.println("frozen primary (resource-and-stonith): survivor promoted after " + promotedMs
                    + " ms, the frozen peer named in its status after " + knownMs + " ms: " + alert);
            assertThat(promotedMs).isLessThanOrEqualTo(s.cb.peerTimeout().toMillis());
            assertThat(alert).contains("writes suspended").contains("ha:mirror-resume-io --force vol")
                    .contains("demote it there");
            assertThat(b.ioSuspended()).isTrue();
            assertThat(w).isNotDone();

            s.thawedAAcknowledgesNothing(nbdA);
            assertThat(w).as("still suspended: the thawed old primary is primary, so it refuses to be outdated")
                    .isNotDone();
            b.resumeIo(); // the operator, having stopped the old primary's node
            w.get(10, TimeUnit.SECONDS);
        }
    }

    /** A (forked, primary with epoch 2) and B (here, secondary) on loopback, each with a fencing server. */
    private final class Scenario {
        final int portA = MirrorPair.freePort();
        final int portB = MirrorPair.freePort();
        final int fenceA = MirrorPair.freePort();
        final int fenceB = MirrorPair.freePort();
        final VolumeConfig cb;

        Scenario(Fencing fencing) throws IOException {
            cb = VolumeConfig.of("vol", SIZE, dir.resolve("b.img"), dir.resolve("b.meta"))
                    .withListen("127.0.0.1", portB).withPeer("127.0.0.1", portA).withSkipInitialSync(true)
                    .withFencing(fencing, Duration.ofSeconds(30));
        }

        MirrorVolume openB() throws IOException {
            return new MirrorVolume(cb, CLUSTER, new TcpPeerFencer("127.0.0.1", fenceA, null, cb.fenceAnswerLimit()));
        }

        FenceServer fenceServerB(MirrorVolume b) throws IOException {
            return new FenceServer("127.0.0.1", fenceB, null, Duration.ofSeconds(10), b::outdateByPeer);
        }

        /** Starts A, waits until it is primary and in sync with B; returns its NBD port. */
        int startA() throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            a = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), "org.duplex.mirror.tool.MirrorNode", "--size",
                    Long.toString(SIZE), "--backing", dir.resolve("a.img").toString(), "--meta",
                    dir.resolve("a.meta").toString(), "--listen", "127.0.0.1:" + portA, "--peer",
                    "127.0.0.1:" + portB, "--skip-initial-sync", "--fence-listen", "127.0.0.1:" + fenceA,
                    "--fence-peer", "127.0.0.1:" + fenceB, "--promote", "2", "--wait-sync", "30", "--nbd",
                    "127.0.0.1:0")).redirectError(dir.resolve("a.log").toFile()).start();
            String ready = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(ready).as(Files.readString(dir.resolve("a.log"))).startsWith("READY");
            return Integer.parseInt(ready.split(" ")[1].substring("nbd=".length()));
        }

        /** One FUA write acknowledged by the primary A, so it is on B too. */
        byte[] writeOnA(int nbdA) throws Exception {
            byte[] acked = new byte[4096];
            Arrays.fill(acked, (byte) 0x5A);
            try (MiniNbdClient c = new MiniNbdClient("127.0.0.1", nbdA, "vol")) {
                assertThat(c.write(0, acked, true)).as("write acknowledged by the primary").isZero();
            }
            return acked;
        }

        /** SIGCONT A: a write sent to it is not acknowledged (it fails or keeps waiting), and B stays primary. */
        void thawedAAcknowledgesNothing(int nbdA) throws Exception {
            signal(a, "CONT");
            CompletableFuture<Integer> late = CompletableFuture.supplyAsync(() -> {
                try (MiniNbdClient c = new MiniNbdClient("127.0.0.1", nbdA, "vol")) {
                    byte[] d = new byte[4096];
                    Arrays.fill(d, (byte) 0x77);
                    return c.write(4L << 20, d, true);
                } catch (IOException e) {
                    return -1;
                }
            });
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> !late.isDone() || late.getNow(0) != 0);
            assertThat(late.getNow(-2)).as("the thawed old primary's answer (-2: still waiting; " + Files.readString(
                    dir.resolve("a.log")) + ")").isNotZero();
        }
    }

    private static void signal(Process p, String sig) throws IOException, InterruptedException {
        if (p.isAlive()) {
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
        }
    }
}
