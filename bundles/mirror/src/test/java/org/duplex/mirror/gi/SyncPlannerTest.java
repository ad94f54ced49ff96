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
        return new LegInfo(gi, primary, false, dirty, 0, 0, 1, false, SplitBrainPolicy.DISCONNECT);
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
        LegInfo a = new LegInfo(new GenerationIds(ac, ab, ah, 0), aPrimary, aCrashed, ad, 1, 1, 1, false, policy);
        LegInfo b = new LegInfo(new GenerationIds(bc, bb, bh, 0), false, !aCrashed, bd, 2, 2, 2, false, policy);
        SyncDecision ab1 = SyncPlanner.plan(a, b).decision();
        SyncDecision ba = SyncPlanner.plan(b, a).decision();
        if (ab1 != SyncDecision.UNRELATED && ba != SyncDecision.UNRELATED) {
            assertThat(ba).isEqualTo(ab1.mirrored());
        }
        // a current primary is never told to become a target
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
