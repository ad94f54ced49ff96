package org.duplex.mirror.leg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.block.BlockError;
import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.junit.jupiter.api.Test;

/** The leg state machine's rules that the simulator found missing (issue 13 §6), one event at a time. */
class LegCoreTest {
    long now = 1_000_000_000L;
    final List<MetaState> stored = new ArrayList<>();

    LegCore core(MetaState m) {
        return new LegCore(new LegCore.Settings("vol", true, Fencing.RESOURCE_AND_STONITH, SplitBrainPolicy.DISCONNECT,
                Duration.ofSeconds(3)), m, stored::add, LegCore.Planner.STANDARD, () -> now);
    }

    static FencingEpoch epoch(long e) {
        return new FencingEpoch(e);
    }

    @Test
    void aPrimaryWhoseMachineRestartedIsOutdatedNotTheSyncSource() throws Exception {
        MetaState m = LegCore.initial("vol", true, 1).withPromotion(2, 0);
        LegCore killed = core(m);
        assertThat(killed.recover(true, false, () -> { })).isEqualTo(LegCore.Recovery.CRASHED_PRIMARY);
        assertThat(killed.disk()).isEqualTo(DiskState.UP_TO_DATE);
        assertThat(killed.meta().crashedPrimary()).isTrue();

        LegCore powerLost = core(m);
        assertThat(powerLost.recover(true, true, () -> { })).isEqualTo(LegCore.Recovery.CRASHED_PRIMARY_CACHE_LOST);
        assertThat(powerLost.disk()).isEqualTo(DiskState.OUTDATED);
        assertThat(powerLost.meta().outdatedCause()).isEqualTo(MetaState.OUTDATED_BY_LOST_CACHE);
        assertThat(stored.get(stored.size() - 1)).isEqualTo(powerLost.meta());
        MetaState outdated = powerLost.meta();
        // its peer, UpToDate at the same generation, is the source; alone it refuses promotion
        LegInfo peer = new LegInfo(m.gi(), DiskState.UP_TO_DATE, false, false, 0, 2, 0, 2, false,
                SplitBrainPolicy.DISCONNECT);
        assertThat(powerLost.plan(powerLost.hello(3), peer).plan().decision().isTarget()).isTrue();
        LegCore again = core(outdated);
        assertThat(again.promote(epoch(3), false, true, epoch(3), false, 0))
                .isInstanceOfSatisfying(LegCore.Refused.class, r -> assertThat(r.reason())
                        .contains("restarted (power loss or kernel crash) while primary"));
    }

    @Test
    void aNeverSyncedLegIsNotPromotedFreshWithoutANewPeerConnected() throws Exception {
        LegCore c = core(LegCore.initial("vol", false, 1));
        assertThat(c.promote(epoch(2), false, true, epoch(2), false, 0))
                .isInstanceOfSatisfying(LegCore.Refused.class, r -> assertThat(r.reason())
                        .contains("never completed its initial sync"));
        // the first promotion of a new pair, both legs connected, is fine
        LegInfo newPeer = new LegInfo(GenerationIds.fresh(), DiskState.INCONSISTENT, false, false, 0, 0, 0, 2, false,
                SplitBrainPolicy.DISCONNECT);
        LegInfo mine = c.hello(0);
        c.connected(mine, newPeer, c.plan(mine, newPeer).plan().decision());
        assertThat(c.promote(epoch(2), false, true, epoch(2), true, 0)).isInstanceOf(LegCore.Promoted.class);
        assertThat(c.disk()).isEqualTo(DiskState.UP_TO_DATE);
        // and --force makes a lone new leg the reference
        LegCore forced = core(LegCore.initial("vol", false, 1));
        assertThat(forced.promote(epoch(2), true, true, epoch(2), false, 0))
                .isInstanceOfSatisfying(LegCore.Promoted.class, p -> assertThat(p.forced()).contains("never synced"));
    }

    @Test
    void anUnconfirmedWriteIsNeverAcknowledgedByALegThatIsNoLongerAWritablePrimary() throws Exception {
        LegCore c = core(LegCore.initial("vol", true, 1));
        LegInfo peer = new LegInfo(c.meta().gi(), DiskState.UP_TO_DATE, false, false, 0, 0, 0, 2, false,
                SplitBrainPolicy.DISCONNECT);
        LegInfo mine = c.hello(0);
        c.connected(mine, peer, c.plan(mine, peer).plan().decision());
        assertThat(c.promote(epoch(2), false, true, epoch(2), true, 0)).isInstanceOf(LegCore.Promoted.class);
        assertThat(c.unconfirmedWrite()).isInstanceOf(LegCore.Ack.class);
        // a switchover: demoted while a write was on its way; then the link fails
        assertThat(c.demote()).isTrue();
        assertThat(c.linkFailing(new Object(), "cut")).isFalse();
        assertThat(c.unconfirmedWrite()).isInstanceOfSatisfying(LegCore.Fail.class,
                f -> assertThat(f.refusal().error()).isEqualTo(BlockError.NOT_PERMITTED));
    }

    @Test
    void aSuspensionWaitsThenFailsAfterTheFencingTimeout() throws Exception {
        LegCore c = core(LegCore.initial("vol", true, 1));
        LegInfo peer = new LegInfo(c.meta().gi(), DiskState.UP_TO_DATE, false, false, 0, 0, 0, 2, false,
                SplitBrainPolicy.DISCONNECT);
        LegInfo mine = c.hello(0);
        c.connected(mine, peer, c.plan(mine, peer).plan().decision());
        c.promote(epoch(2), false, true, epoch(2), true, 0);
        Object link = new Object();
        assertThat(c.linkFailing(link, "cut")).isTrue();
        c.linkDown();
        Suspension s = c.suspension();
        assertThat(c.unconfirmedWrite()).isInstanceOf(LegCore.Wait.class);
        assertThat(c.fenceStep(s, false, false)).isEqualTo(LegCore.FenceStep.ATTEMPT);
        assertThat(c.fenceOutcome(s, LegCore.FenceOutcome.UNREACHABLE, "silent", true, false, "t"))
                .isEqualTo(LegCore.FenceVerdict.RETRY); // resource-and-stonith never resumes on its own
        now += Duration.ofSeconds(3).toNanos();
        assertThat(c.expireIfDue(s)).isTrue();
        assertThat(c.unconfirmedWrite()).isInstanceOfSatisfying(LegCore.Fail.class,
                f -> assertThat(f.refusal().error()).isEqualTo(BlockError.IO));
        assertThat(c.writeRefusal(true)).hasValueSatisfying(r -> assertThat(r.error()).isEqualTo(BlockError.IO));
        // the peer outdated at last: writes resume
        assertThat(c.fenceOutcome(s, LegCore.FenceOutcome.OUTDATED, "marked", true, false, "t"))
                .isEqualTo(LegCore.FenceVerdict.PEER_OUTDATED);
        assertThat(c.unconfirmedWrite()).isInstanceOf(LegCore.Ack.class);
        assertThat(c.writeRefusal(true)).isEmpty();
    }
}
