package org.duplex.mirror.gi;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The resync-direction rules, scenario by scenario, and their symmetry. */
class SyncPlannerTest {
    static final long X = 0x1000;
    static final long Y = 0x2000;
    static final long Z = 0x3000;

    static LegInfo leg(GenerationIds gi, boolean primary, long dirty) {
        return leg(gi, DiskState.UP_TO_DATE, primary, dirty);
    }

    static LegInfo leg(GenerationIds gi, DiskState disk, boolean primary, long dirty) {
        return new LegInfo(gi, disk, primary, false, dirty, 0, 0, 1, false, SplitBrainPolicy.DISCONNECT);
    }

    static SyncDecision decide(LegInfo a, LegInfo b) {
        return SyncPlanner.plan(a, b).decision();
    }

    @Test
    void identicalGenerationsNeedNothing() {
        GenerationIds g = new GenerationIds(X, 0, 0, 0);
        assertThat(decide(leg(g, true, 0), leg(g, false, 0))).isEqualTo(SyncDecision.NONE);
    }

    @Test
    void aPrimaryThatWroteAloneIsTheSource() {
        GenerationIds a = new GenerationIds(X, 0, 0, 0).startTrackingChanges();
        GenerationIds b = new GenerationIds(X, 0, 0, 0);
        assertThat(a.bitmap()).isEqualTo(X);
        assertThat(decide(leg(a, true, 5), leg(b, false, 0))).isEqualTo(SyncDecision.SOURCE);
        assertThat(decide(leg(b, false, 0), leg(a, true, 5))).isEqualTo(SyncDecision.TARGET);
    }

    @Test
    void afterAResyncBothHoldTheSourcesGeneration() {
        GenerationIds a = new GenerationIds(Y, X, 0, 0);
        GenerationIds b = new GenerationIds(X, 0, 0, 0);
        GenerationIds a2 = a.afterResyncAsSource();
        GenerationIds b2 = b.afterResyncAsTarget(a2.current());
        assertThat(a2.current()).isEqualTo(b2.current());
        assertThat(decide(leg(a2, true, 0), leg(b2, false, 0))).isEqualTo(SyncDecision.NONE);
    }

    @Test
    void bothWroteFromTheSameGenerationIsSplitBrain() {
        GenerationIds a = new GenerationIds(Y, X, 0, 0);
        GenerationIds b = new GenerationIds(Z, X, 0, 0);
        assertThat(decide(leg(a, false, 1), leg(b, false, 1))).isEqualTo(SyncDecision.SPLIT_BRAIN);
    }

    @Test
    void aPeerThatLostTrackGetsAFullSync() {
        GenerationIds a = new GenerationIds(Z, 0, Y, X);
        GenerationIds b = new GenerationIds(X, 0, 0, 0);
        assertThat(decide(leg(a, false, 0), leg(b, false, 0))).isEqualTo(SyncDecision.FULL_SOURCE);
    }

    @Test
    void freshVolumesWaitAndTheFirstPrimaryFullySyncs() {
        GenerationIds fresh = GenerationIds.fresh();
        assertThat(decide(leg(fresh, false, 0), leg(fresh, false, 0))).isEqualTo(SyncDecision.NONE);
        assertThat(decide(leg(new GenerationIds(X, 0, 0, 0), true, 0), leg(fresh, false, 0)))
                .isEqualTo(SyncDecision.FULL_SOURCE);
    }

    @Test
    void unrelatedVolumesAreRefusedAndAPrimaryIsNeverATarget() {
        assertThat(decide(leg(new GenerationIds(X, 0, 0, 0), false, 0), leg(new GenerationIds(Y, 0, 0, 0), false, 0)))
                .isEqualTo(SyncDecision.UNRELATED);
        GenerationIds newer = new GenerationIds(Y, X, 0, 0);
        assertThat(decide(leg(new GenerationIds(X, 0, 0, 0), true, 0), leg(newer, false, 1)))
                .isEqualTo(SyncDecision.UNRELATED);
    }

    @Property(tries = 500)
    void bothSidesAlwaysReachMirroredDecisions(@ForAll("ids") long ac, @ForAll("ids") long ab, @ForAll("ids") long ah,
                                               @ForAll("ids") long bc, @ForAll("ids") long bb, @ForAll("ids") long bh,
                                               @ForAll boolean aPrimary, @ForAll boolean aCrashed,
                                               @ForAll("dirty") long ad, @ForAll("dirty") long bd,
                                               @ForAll SplitBrainPolicy policy) {
        LegInfo a = new LegInfo(new GenerationIds(ac, ab, ah, 0), DiskState.UP_TO_DATE, aPrimary, aCrashed, ad, 1, 1,
                1, false, policy);
        LegInfo b = new LegInfo(new GenerationIds(bc, bb, bh, 0), DiskState.UP_TO_DATE, false, !aCrashed, bd, 2, 2, 2,
                false, policy);
        SyncDecision ab1 = SyncPlanner.plan(a, b).decision();
        SyncDecision ba = SyncPlanner.plan(b, a).decision();
        if (ab1 != SyncDecision.UNRELATED && ba != SyncDecision.UNRELATED) {
            assertThat(ba).isEqualTo(ab1.mirrored());
        }
        // a current primary is never told to become a target
        assertThat(ab1.isTarget() && aPrimary).isFalse();
    }

    /**
     * Issue 13: the old primary (n2) was demoted, both legs secondary at one generation; n1, killed while it held
     * acknowledged writes not yet forced, came back Outdated with those extents dirty. n1 must receive, not send.
     */
    @Test
    void anOutdatedLegIsNeverTheSourceOfAnUpToDatePeerAtTheSameGeneration() {
        GenerationIds g = new GenerationIds(X, 0, 0, 0);
        LegInfo n1 = leg(g, DiskState.OUTDATED, false, 128);
        LegInfo n2 = leg(g, DiskState.UP_TO_DATE, false, 0);
        assertThat(decide(n1, n2)).isEqualTo(SyncDecision.TARGET);
        assertThat(decide(n2, n1)).isEqualTo(SyncDecision.SOURCE);
        // idle: nothing dirty anywhere, still a (empty) resync, which clears the Outdated mark
        assertThat(decide(leg(g, DiskState.OUTDATED, false, 0), leg(g, DiskState.UP_TO_DATE, true, 0)))
                .isEqualTo(SyncDecision.TARGET);
        // an interrupted sync target with more dirty regions than its source is still the target
        assertThat(decide(leg(g, DiskState.INCONSISTENT, false, 9), leg(g, DiskState.UP_TO_DATE, false, 1)))
                .isEqualTo(SyncDecision.TARGET);
    }

    @Test
    void twoLegsThatAreNotUpToDateAtTheSameGenerationGetNoAutomaticSource() {
        GenerationIds g = new GenerationIds(X, 0, 0, 0);
        SyncPlanner.Plan p = SyncPlanner.plan(leg(g, DiskState.OUTDATED, false, 64), leg(g, DiskState.INCONSISTENT,
                false, 0));
        assertThat(p.decision()).isEqualTo(SyncDecision.NO_SAFE_SOURCE);
        assertThat(p.reason()).contains("this leg Outdated", "the peer's Inconsistent", "--force");
        assertThat(decide(leg(g, DiskState.OUTDATED, false, 0), leg(g, DiskState.OUTDATED, false, 0)))
                .isEqualTo(SyncDecision.NO_SAFE_SOURCE);
    }

    @Test
    void aNewerGenerationOnALegThatIsNotUpToDateDoesNotOverwriteAnUpToDatePeer() {
        SyncPlanner.Plan p = SyncPlanner.plan(leg(new GenerationIds(Y, X, 0, 0), DiskState.OUTDATED, false, 3),
                leg(new GenerationIds(X, 0, 0, 0), DiskState.UP_TO_DATE, false, 0));
        assertThat(p.decision()).isEqualTo(SyncDecision.NO_SAFE_SOURCE);
        assertThat(p.reason()).contains("this leg the sync source, but it is Outdated");
    }

    /**
     * Every pair of disk states over generation histories, both argument orders: only an UpToDate leg is ever a
     * sync source; at one generation the UpToDate leg is the source of one that is not, and two legs that are not
     * UpToDate get no source; both sides reach mirrored answers.
     */
    @Property(tries = 3000)
    void onlyAnUpToDateLegIsEverASyncSource(@ForAll("ids") long ac, @ForAll("ids") long ab, @ForAll("ids") long ah1,
                                            @ForAll("ids") long ah2, @ForAll("ids") long bc, @ForAll("ids") long bb,
                                            @ForAll("ids") long bh1, @ForAll("ids") long bh2,
                                            @ForAll DiskState aDisk, @ForAll DiskState bDisk,
                                            @ForAll boolean aPrimary, @ForAll boolean aCrashed,
                                            @ForAll boolean bCrashed, @ForAll("dirty") long ad,
                                            @ForAll("dirty") long bd, @ForAll SplitBrainPolicy policy,
                                            @ForAll boolean aDiscards) {
        LegInfo a = new LegInfo(new GenerationIds(ac, ab, ah1, ah2), aDisk, aPrimary, aCrashed, ad, 1, 1, 1,
                aDiscards, policy);
        LegInfo b = new LegInfo(new GenerationIds(bc, bb, bh1, bh2), bDisk, false, bCrashed, bd, 2, 2, 2, false,
                policy);
        SyncDecision ab1 = decide(a, b);
        SyncDecision ba = decide(b, a);
        assertThat(ba).as("mirrored answer").isEqualTo(ab1.mirrored());
        if (ab1.isSource() || ba.isTarget()) {
            assertThat(aDisk).as("a is the sync source").isEqualTo(DiskState.UP_TO_DATE);
        }
        if (ab1.isTarget() || ba.isSource()) {
            assertThat(bDisk).as("b is the sync source").isEqualTo(DiskState.UP_TO_DATE);
        }
        boolean sameGeneration = ac == bc && ac != GenerationIds.JUST_CREATED;
        boolean aUp = aDisk == DiskState.UP_TO_DATE;
        boolean bUp = bDisk == DiskState.UP_TO_DATE;
        if (sameGeneration && aUp && !bUp) {
            assertThat(ab1).isEqualTo(SyncDecision.SOURCE);
            assertThat(ba).isEqualTo(SyncDecision.TARGET);
        }
        if (sameGeneration && bUp && !aUp) {
            // a current primary is never made a target (it is always UpToDate in practice): both sides refuse
            assertThat(ba).isEqualTo(aPrimary ? SyncDecision.UNRELATED : SyncDecision.SOURCE);
            assertThat(ab1).isEqualTo(aPrimary ? SyncDecision.UNRELATED : SyncDecision.TARGET);
        }
        if (sameGeneration && !aUp && !bUp) {
            assertThat(ab1).isEqualTo(SyncDecision.NO_SAFE_SOURCE);
            assertThat(ba).isEqualTo(SyncDecision.NO_SAFE_SOURCE);
        }
        assertThat(ab1.isTarget() && aPrimary).isFalse();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> ids() {
        return net.jqwik.api.Arbitraries.of(0L, GenerationIds.JUST_CREATED, X, Y, Z);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> dirty() {
        return net.jqwik.api.Arbitraries.of(0L, 1L, 5L);
    }
}
