package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.duplex.mirror.gi.SplitBrainPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both legs written while disconnected: detected on reconnect, never merged silently, settled only by the
 * configured policy or the operator.
 */
class SplitBrainTest {
    static final long SIZE = 4L << 20;
    static final int GRAN = 64 * 1024;

    @TempDir
    Path dir;

    /** A writes aRegions regions, then B (promoted later) writes bRegions other regions, both disconnected. */
    MirrorPair diverge(SplitBrainPolicy policy, int aRegions, int bRegions) throws Exception {
        MirrorPair p = new MirrorPair(dir, SIZE, policy, true).open();
        p.awaitInSync();
        p.a.promote(p.nextEpoch());
        MirrorPair.write(p.a, 0, 4096, (byte) 0x11);
        p.a.disconnect();
        p.b.disconnect();
        for (int i = 0; i < aRegions; i++) {
            MirrorPair.write(p.a, (long) (1 + i) * GRAN, 4096, (byte) 0xAA);
        }
        p.a.demote(Duration.ofSeconds(5));
        p.b.promote(p.nextEpoch());
        for (int i = 0; i < bRegions; i++) {
            MirrorPair.write(p.b, (long) (20 + i) * GRAN, 4096, (byte) 0xBB);
        }
        p.b.demote(Duration.ofSeconds(5));
        return p;
    }

    static void awaitStandAlone(MirrorVolume v) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (v.status().alert().isPresent() && v.connection() == ConnectionState.STANDALONE) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no split brain alert: " + v.status().render());
    }

    @Test
    void disconnectPolicyDetectsAndRefusesToMerge() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCONNECT, 2, 1)) {
            p.a.connect();
            p.b.connect();
            awaitStandAlone(p.a);
            awaitStandAlone(p.b);
            assertThat(p.a.status().alert().orElseThrow()).contains("split brain");
            // the API's MirrorVolumeStatus.splitBrain: both legs wait for an operator to choose a victim
            assertThat(p.a.splitBrain()).isTrue();
            assertThat(p.b.splitBrain()).isTrue();
            // nothing was merged
            assertThat(p.fileA()[GRAN]).isEqualTo((byte) 0xAA);
            assertThat(p.fileB()[GRAN]).isEqualTo((byte) 0);
            assertThat(p.fileB()[20 * GRAN]).isEqualTo((byte) 0xBB);
            assertThat(p.fileA()[20 * GRAN]).isEqualTo((byte) 0);
            // the operator picks B as the victim
            p.b.discardLocalChanges();
            p.a.connect();
            assertThat(p.a.splitBrain()).isFalse();
            assertThat(p.b.splitBrain()).isFalse();
            p.awaitInSync();
            assertThat(p.fileB()).isEqualTo(p.fileA());
            assertThat(p.fileB()[GRAN]).isEqualTo((byte) 0xAA);
            assertThat(p.fileB()[20 * GRAN]).isEqualTo((byte) 0);
            assertThat(p.a.verify().regionsDiffering()).isZero();
        }
    }

    @Test
    void discardYoungerPrimaryKeepsTheFirstPrimarysData() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCARD_YOUNGER_PRIMARY, 1, 3)) {
            p.a.connect();
            p.b.connect();
            p.awaitInSync();
            assertThat(p.fileB()).isEqualTo(p.fileA());
            assertThat(p.fileA()[GRAN]).isEqualTo((byte) 0xAA);
            assertThat(p.fileA()[20 * GRAN]).isEqualTo((byte) 0);
        }
    }

    @Test
    void discardLeastChangesKeepsTheBusierSide() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCARD_LEAST_CHANGES, 1, 3)) {
            p.a.connect();
            p.b.connect();
            p.awaitInSync();
            assertThat(p.fileB()).isEqualTo(p.fileA());
            assertThat(p.fileA()[20 * GRAN]).isEqualTo((byte) 0xBB);
            assertThat(p.fileA()[GRAN]).isEqualTo((byte) 0);
        }
    }

    @Test
    void discardZeroChangesSettlesOnlyWhenOneSideWroteNothing() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCARD_ZERO_CHANGES, 2, 0)) {
            p.a.connect();
            p.b.connect();
            p.awaitInSync();
            assertThat(p.fileB()).isEqualTo(p.fileA());
            assertThat(p.fileB()[GRAN]).isEqualTo((byte) 0xAA);
        }
    }

    @Test
    void discardZeroChangesDisconnectsWhenBothSidesWrote() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCARD_ZERO_CHANGES, 2, 1)) {
            p.a.connect();
            p.b.connect();
            awaitStandAlone(p.a);
            assertThat(p.a.status().alert().orElseThrow()).contains("does not settle");
        }
    }

    @Test
    void aCurrentPrimaryIsNeverDiscardedAutomatically() throws Exception {
        try (MirrorPair p = diverge(SplitBrainPolicy.DISCARD_YOUNGER_PRIMARY, 1, 1)) {
            p.b.promote(p.nextEpoch());
            p.a.connect();
            p.b.connect();
            awaitStandAlone(p.b);
            assertThat(p.b.status().alert().orElseThrow()).contains("current primary");
        }
    }
}
