package org.duplex.mirror.engine;

import org.duplex.mirror.block.BlockError;

import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.leg.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.duplex.mirror.fence.FenceServer;
import org.duplex.mirror.fence.TcpPeerFencer;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.block.BlockDeviceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.duplex.mirror.gi.DiskState;

/**
 * Peer outdating (DRBD's resource fencing): two legs in this JVM, the replication link through a cuttable
 * forwarder, the fencing path a controllable fake (or the real TCP path).
 */
class FencingTest {
    static final long SIZE = 4L << 20;
    static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private MirrorPair connectedPair(Fencing fencing, Duration timeout) throws Exception {
        MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).withCuttableLink()
                .withFencing(fencing, timeout).open();
        p.a.promote(p.nextEpoch());
        p.awaitInSync();
        MirrorPair.write(p.a, 0, 4096, (byte) 1);
        return p;
    }

    private CompletableFuture<Void> writeAsync(MirrorVolume v, long offset, byte value) {
        return CompletableFuture.runAsync(() -> {
            try {
                MirrorPair.write(v, offset, 4096, value);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, pool);
    }

    private static void assertStaysPending(CompletableFuture<?> f, Duration d) {
        await().during(d).atMost(d.plusSeconds(5)).until(() -> !f.isDone());
    }

    private static BlockError errorOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause().getCause();
            assertThat(c).isInstanceOf(BlockDeviceException.class);
            return ((BlockDeviceException) c).error();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("write neither acknowledged nor failed", e);
        }
        return null; // acknowledged
    }

    @Test
    void cutLinkNoWriteAcknowledgedUntilThePeerIsOutdatedAndTheOutdatedPeerRefusesPromotion() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG)) {
            p.fencerA.mode(FakeFencer.Mode.HOLD);
            p.link.cut();
            await().atMost(10, TimeUnit.SECONDS).until(p.a::ioSuspended);
            CompletableFuture<Void> w = writeAsync(p.a, 8192, (byte) 2);
            assertStaysPending(w, Duration.ofMillis(700));
            assertThat(p.a.status().alert()).hasValueSatisfying(a -> assertThat(a).contains("writes suspended"));
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);

            p.fencerA.mode(FakeFencer.Mode.DELIVER);
            w.get(10, TimeUnit.SECONDS);
            assertThat(p.b.diskState()).isEqualTo(DiskState.OUTDATED);
            assertThat(p.fencerA.delivered.get()).isEqualTo(1);
            assertThat(p.a.ioSuspended()).isFalse();
            MirrorPair.write(p.a, 16384, 4096, (byte) 3); // no more waiting once the peer is outdated

            assertThatThrownBy(() -> p.b.promote(p.nextEpoch())).isInstanceOf(MirrorException.class)
                    .hasMessageContaining("Outdated").hasMessageContaining("ha:mirror-connect")
                    .hasMessageContaining("ha:mirror-promote --force vol").hasMessageContaining("marked by its primary");
        }
    }

    @Test
    void linkBackResyncsAndClearsTheOutdatedMark() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG)) {
            p.fencerA.mode(FakeFencer.Mode.DELIVER);
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2);
            assertThat(p.b.diskState()).isEqualTo(DiskState.OUTDATED);
            p.link.restore();
            p.awaitInSync();
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);
            assertThat(Arrays.equals(p.fileA(), p.fileB())).isTrue();
            assertThat(p.a.status().alert()).isEmpty();
        }
    }

    @Test
    void linkBackBeforeTheFencerAnswersReleasesTheWritesWithoutOutdating() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG)) {
            p.fencerA.mode(FakeFencer.Mode.HOLD);
            p.link.cut();
            CompletableFuture<Void> w = writeAsync(p.a, 8192, (byte) 2);
            assertStaysPending(w, Duration.ofMillis(500));
            p.link.restore();
            w.get(20, TimeUnit.SECONDS);
            p.awaitInSync();
            assertThat(p.fileB()[8192]).isEqualTo((byte) 2);
            assertThat(p.fencerA.delivered.get()).isZero();
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @Test
    void primaryDiesAfterOutdatingThenTheSecondaryIsPromotedOnlyWithForce() throws Exception {
        MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG);
        try {
            p.fencerA.mode(FakeFencer.Mode.DELIVER);
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2); // acknowledged: only on A
            p.a.close();
            p.a = null;
            assertThatThrownBy(() -> p.b.promote(p.nextEpoch())).hasMessageContaining("Outdated");
            assertThat(p.b.role()).isEqualTo(Role.SECONDARY);
            p.b.promote(p.nextEpoch(), true);
            assertThat(p.b.role()).isEqualTo(Role.PRIMARY);
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);
            MirrorPair.write(p.b, 0, 4096, (byte) 9);
        } finally {
            p.close();
        }
    }

    @Test
    void fencingTimeoutKeepsWritesSuspendedLoudlyAndNeverAcknowledges() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, Duration.ofMillis(1500))) {
            p.fencerA.mode(FakeFencer.Mode.HOLD);
            p.link.cut();
            CompletableFuture<Void> w = writeAsync(p.a, 8192, (byte) 2);
            assertThat(errorOf(w)).isEqualTo(BlockError.IO);
            assertThat(p.a.status().writable()).isFalse();
            assertThat(p.a.status().alert()).hasValueSatisfying(a -> assertThat(a).contains("WRITES SUSPENDED")
                    .contains("ha:mirror-resume-io --force vol")); // refused without --force; options first (Karaf)
            assertThatThrownBy(() -> MirrorPair.write(p.a, 0, 4096, (byte) 3))
                    .isInstanceOfSatisfying(BlockDeviceException.class, e -> assertThat(e.error()).isEqualTo(BlockError.IO));
            // the fencer keeps trying: once the peer answers, writes resume
            p.fencerA.mode(FakeFencer.Mode.DELIVER);
            await().atMost(10, TimeUnit.SECONDS).until(() -> !p.a.ioSuspended());
            MirrorPair.write(p.a, 0, 4096, (byte) 3);
            assertThat(p.b.diskState()).isEqualTo(DiskState.OUTDATED);
        }
    }

    @Test
    void resourceOnlyResumesWhenThePeerIsUnreachableOnBothPathsAndSaysSo() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG)) {
            p.fencerA.mode(FakeFencer.Mode.UNREACHABLE);
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2);
            assertThat(p.fencerA.attempts.get()).isGreaterThanOrEqualTo(1);
            assertThat(p.a.status().alert()).hasValueSatisfying(a -> assertThat(a).contains("not confirmed Outdated"));
        }
    }

    @Test
    void losingQuorumWhileSuspendedNeverAcknowledgesEvenIfThePeerTurnsUnreachable() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, Duration.ofSeconds(20))) {
            p.fencerA.mode(FakeFencer.Mode.HOLD);
            p.link.cut();
            await().atMost(10, TimeUnit.SECONDS).until(p.a::ioSuspended);
            CompletableFuture<Void> w = writeAsync(p.a, 8192, (byte) 2);
            assertStaysPending(w, Duration.ofMillis(300));
            p.quorateA.set(false); // this node is not the quorate side any more: the peer may be
            p.a.quorumChanged(false);
            p.fencerA.mode(FakeFencer.Mode.UNREACHABLE);
            assertThat(errorOf(w)).isEqualTo(BlockError.NOT_PERMITTED);
            assertThat(p.a.ioSuspended()).isTrue();
        }
    }

    @Test
    void resourceAndStonithStaysSuspendedForAnUnreachablePeerUntilTheOperatorResumes() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_AND_STONITH, Duration.ofSeconds(20))) {
            p.fencerA.mode(FakeFencer.Mode.UNREACHABLE);
            p.link.cut();
            CompletableFuture<Void> w = writeAsync(p.a, 8192, (byte) 2);
            assertStaysPending(w, Duration.ofMillis(700));
            assertThat(p.fencerA.attempts.get()).isGreaterThanOrEqualTo(1);
            assertThat(p.a.resumeIo()).contains("NOT confirmed Outdated");
            w.get(10, TimeUnit.SECONDS);
            assertThat(p.a.status().alert()).hasValueSatisfying(a -> assertThat(a).contains("operator"));
        }
    }

    @Test
    void dontCareKeepsAcknowledgingAndNeverOutdates() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.DONT_CARE, LONG)) {
            p.fencerA.mode(FakeFencer.Mode.DELIVER);
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2);
            assertThat(p.a.ioSuspended()).isFalse();
            assertThat(p.fencerA.attempts.get()).isZero();
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);
            p.a.demote(Duration.ofSeconds(5));
            p.b.promote(p.nextEpoch()); // the stale peer is promotable: what fencing exists to prevent
            assertThat(p.b.role()).isEqualTo(Role.PRIMARY);
        }
    }

    @Test
    void aNodePromotedWhileItsPeerIsAwayOutdatesTheOldPrimaryBeforeAcknowledging() throws Exception {
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG)) {
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2); // A's fencer: unreachable -> resource-only resumes
            p.a.demote(Duration.ofSeconds(5));            // A stops its group (e.g. after losing quorum)
            p.fencerB.mode(FakeFencer.Mode.HOLD);
            p.b.promote(p.nextEpoch());                   // failover to B while the link is still down
            CompletableFuture<Void> w = writeAsync(p.b, 0, (byte) 5);
            assertStaysPending(w, Duration.ofMillis(500));
            p.fencerB.mode(FakeFencer.Mode.DELIVER);
            w.get(10, TimeUnit.SECONDS);
            assertThat(p.a.diskState()).isEqualTo(DiskState.OUTDATED);
            assertThatThrownBy(() -> p.a.promote(p.nextEpoch())).hasMessageContaining("Outdated");
        }
    }

    @Test
    void aPeerPromotedUnderANewerEpochRefusesToBeOutdated() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            p.b.promote(new org.duplex.api.cluster.FencingEpoch(7));
            p.b.demote(Duration.ofSeconds(5));
            PeerFencer.Result r = p.b.outdateByPeer(new PeerFencer.OutdateRequest("vol", 6));
            assertThat(r.outcome()).isEqualTo(PeerFencer.Outcome.NOT_CONFIRMED);
            assertThat(r.detail()).contains("epoch 7");
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @Test
    void outdatingThroughTheRealTcpFencingPath() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (MirrorPair p = connectedPair(Fencing.RESOURCE_ONLY, LONG);
             FenceServer server = new FenceServer("127.0.0.1", 0, key, Duration.ofSeconds(5), p.b::outdateByPeer)) {
            // a wrong key is refused before anything is asked of the volume
            PeerFencer wrong = new TcpPeerFencer("127.0.0.1", server.port(), new byte[32]);
            assertThat(wrong.outdatePeer(new PeerFencer.OutdateRequest("vol", 1), Duration.ofSeconds(2)).outcome())
                    .isEqualTo(PeerFencer.Outcome.NOT_CONFIRMED);
            assertThat(p.b.diskState()).isEqualTo(DiskState.UP_TO_DATE);

            p.fencerA.delegateTo(new TcpPeerFencer("127.0.0.1", server.port(), key));
            p.link.cut();
            MirrorPair.write(p.a, 8192, 4096, (byte) 2);
            assertThat(p.fencerA.delivered.get()).isEqualTo(1);
            assertThat(p.b.diskState()).isEqualTo(DiskState.OUTDATED);
            assertThatThrownBy(() -> p.b.promote(p.nextEpoch())).hasMessageContaining("Outdated");
        }
        int closedPort = MirrorPair.freePort();
        assertThat(new TcpPeerFencer("127.0.0.1", closedPort, null)
                .outdatePeer(new PeerFencer.OutdateRequest("vol", 1), Duration.ofSeconds(2)).outcome())
                .isEqualTo(PeerFencer.Outcome.UNREACHABLE);
    }
}
