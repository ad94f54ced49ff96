package org.duplex.mirror.engine;

import org.duplex.mirror.block.BlockError;

import org.duplex.mirror.leg.Fencing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.bitmap.ActivityLog;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.nbd.NbdServer;
import org.duplex.mirror.nbd.NbdServerConfig;
import org.duplex.mirror.testutil.MiniNbdClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: what the operator is told must be true and say who did what. */
class MirrorMessagesTest {
    static final long SIZE = 8L << 20;

    @TempDir
    Path dir;

    VolumeConfig solo(String leg, boolean upToDate) {
        return VolumeConfig.of("vol", SIZE, dir.resolve(leg + ".img"), dir.resolve(leg + ".meta"))
                .withSkipInitialSync(upToDate);
    }

    @Test
    void anOutdateRequestReportsWhatItDidNotAStateTransitionThatDidNotHappen() throws IOException {
        try (MirrorVolume inconsistent = new MirrorVolume(solo("i", false), QuorumGate.standalone())) {
            PeerFencer.Result r = inconsistent.outdateByPeer(new PeerFencer.OutdateRequest("vol", 0));
            assertThat(r.detail()).contains("is Inconsistent here").contains("cannot be promoted either")
                    .doesNotContain("was INCONSISTENT, is INCONSISTENT");
        }
        try (MirrorVolume upToDate = new MirrorVolume(solo("u", true), QuorumGate.standalone())) {
            assertThat(upToDate.outdateByPeer(new PeerFencer.OutdateRequest("vol", 0)).detail())
                    .contains("marked Outdated here (was UpToDate)");
            assertThat(upToDate.outdateByPeer(new PeerFencer.OutdateRequest("vol", 0)).detail())
                    .contains("was already Outdated");
            assertThatThrownBy(() -> upToDate.promote(new FencingEpoch(2)))
                    .hasMessageContaining("marked by its primary, which lost the replication link");
        }
    }

    /** A leg that marked itself Outdated after its own unclean stop must not blame a primary. */
    @Test
    void theOutdatedRefusalSaysTheLegMarkedItselfAfterItsOwnUncleanStop() throws IOException {
        new MirrorVolume(solo("b", true), QuorumGate.standalone()).close();
        // what a receiving leg leaves behind when killed mid-write: a region in its in-flight log (same boot) and an
        // extent in its activity log (what decides when the boot id is unknown)
        try (ActivityLog al = new ActivityLog(dir.resolve("b.meta").resolve("activity-log"), 4L << 20, 1237, () -> { })) {
            al.begin(0, 4096);
        }
        try (org.duplex.mirror.bitmap.InFlightLog fl = new org.duplex.mirror.bitmap.InFlightLog(
                dir.resolve("b.meta").resolve("in-flight-log"), MirrorVolume.IN_FLIGHT_REGION,
                MirrorVolume.IN_FLIGHT_SLOTS, BootId.current())) {
            fl.begin(0, 4096);
        }
        try (MirrorVolume b = new MirrorVolume(solo("b", true), QuorumGate.standalone())) {
            assertThat(b.diskState()).isEqualTo(org.duplex.mirror.gi.DiskState.OUTDATED);
            assertThatThrownBy(() -> b.promote(new FencingEpoch(2)))
                    .hasMessageContaining("marked by itself: this node stopped uncleanly")
                    .hasMessageNotContaining("primary lost");
        }
        // persisted: a restart still knows who marked it
        try (MirrorVolume b = new MirrorVolume(solo("b", true), QuorumGate.standalone())) {
            assertThatThrownBy(() -> b.promote(new FencingEpoch(2))).hasMessageContaining("marked by itself");
        }
    }

    @Test
    void theBothPrimaryAlertEndsWithTheDemote() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true)
                .withFencing(Fencing.DONT_CARE, Duration.ofSeconds(30)).open()) {
            p.awaitInSync();
            p.a.disconnect();
            p.b.disconnect();
            p.a.promote(p.nextEpoch());
            p.b.promote(p.nextEpoch());
            p.a.connect();
            p.b.connect();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> p.b.status().alert().isPresent());
            assertThat(p.b.status().alert()).hasValueSatisfying(a -> assertThat(a).startsWith("both nodes are primary"));
            p.b.demote(Duration.ofSeconds(5));
            assertThat(p.b.status().alert()).isEmpty();
        }
    }

    @Test
    void aLegThatIsNotUpToDateRefusesTheNbdClientWithTheReasonInsteadOfAnsweringReadsWithEio() throws Exception {
        try (MirrorVolume v = new MirrorVolume(solo("i", false), QuorumGate.standalone());
             NbdServer server = new NbdServer(NbdServerConfig.loopback(0))) {
            server.addExport("vol", "test", v);
            assertThatThrownBy(() -> new MiniNbdClient("127.0.0.1", server.port(), "vol").close())
                    .hasMessageContaining("GO refused").hasMessageContaining("export 'vol' is not available")
                    .hasMessageContaining("volume vol is Inconsistent")
                    .hasMessageContaining("connect it to an UpToDate peer");
            // a client attached before the leg became unusable gets a refusal, not an I/O error
            assertThatThrownBy(() -> v.read(0, ByteBuffer.allocate(4096)))
                    .isInstanceOfSatisfying(BlockDeviceException.class, e -> assertThat(e.error()).isEqualTo(BlockError.NOT_PERMITTED))
                    .hasMessageContaining("reads of possibly stale or partial data are refused");
        }
    }
}
