package org.duplex.cluster.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.tiebreaker.PingTiebreaker;
import org.duplex.cluster.tiebreaker.WitnessTiebreaker;
import org.junit.jupiter.api.Test;

class QuorumCalculatorTest {

    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final Tiebreaker.Verdict NO = Tiebreaker.Verdict.deny("none");

    static Map<NodeId, VoterInfo> voters(NodeId... ids) {
        Map<NodeId, VoterInfo> m = new LinkedHashMap<>();
        for (NodeId id : ids) {
            m.put(id, new VoterInfo(id, NodeRole.MEMBER, 1));
        }
        return m;
    }

    @Test
    void majorityOfExpectedVotes() {
        var v = voters(N1, N2, N3);
        var s = QuorumSettings.majority();
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1, N2), false, NO).quorate()).isTrue();
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1), false, NO).quorate()).isFalse();
        QuorumDecision d = QuorumCalculator.evaluate(v, s, Set.of(N1, N2), false, NO);
        assertThat(d.reason()).isEqualTo("2 of 3 votes (2 needed)");
    }

    @Test
    void configuredExpectedVotesAndWeightedVotes() {
        Map<NodeId, VoterInfo> v = new LinkedHashMap<>(voters(N1, N2));
        v.put(N3, new VoterInfo(N3, NodeRole.MEMBER, 3));
        var s = QuorumSettings.majority();
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N3), false, NO).quorate()).isTrue(); // 3 of 5
        var five = new QuorumSettings(7, false, false, NoQuorumPolicy.STOP);
        assertThat(QuorumCalculator.evaluate(v, five, Set.of(N3), false, NO).quorate()).isFalse(); // 3 of 7
    }

    @Test
    void waitForAllHoldsBackACold() {
        var d = QuorumCalculator.evaluate(voters(N1, N2, N3), new QuorumSettings(0, false, true,
                NoQuorumPolicy.STOP), Set.of(N1, N2), true, NO);
        assertThat(d.quorate()).isFalse();
        assertThat(d.reason()).contains("wait_for_all");
    }

    @Test
    void twoNodeModeNeedsTheTiebreakerInEveryView() {
        var v = voters(N1, N2);
        var s = new QuorumSettings(0, true, false, NoQuorumPolicy.STOP);
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1, N2), false, NO).quorate()).isFalse();
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1), false, Tiebreaker.Verdict.grant("lease"))
                .quorate()).isTrue();
    }

    @Test
    void aSettlingTiebreakerMakesASettlingDecisionOnlyInTwoNodeModeAfterWaitForAll() {
        var v = voters(N1, N2);
        var s = new QuorumSettings(0, true, false, NoQuorumPolicy.STOP);
        Tiebreaker.Verdict settling = Tiebreaker.Verdict.settling("disk lease held, waiting 300 ms");
        QuorumDecision d = QuorumCalculator.evaluate(v, s, Set.of(N1), false, settling);
        assertThat(d.quorate()).isFalse();
        assertThat(d.settling()).isTrue();
        assertThat(d.reason()).contains("settling: running groups are kept");
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1), true, settling).settling()).as("wait_for_all")
                .isFalse();
        assertThat(QuorumCalculator.evaluate(v, s, Set.of(N1), false, NO).settling()).isFalse();
        assertThatThrownBy(() -> new Tiebreaker.Verdict(true, "x", true)).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void witnessGrantsTheSideThatSeesIt() {
        NodeId w = NodeId.of("w");
        var t = new WitnessTiebreaker(w, Set.of(N1, N2));
        assertThat(t.evaluate(Set.of(N1, w), 0).granted()).isTrue();
        assertThat(t.evaluate(Set.of(N2), 0).granted()).isFalse();
        assertThat(t.evaluate(Set.of(N1, N2), 0).granted()).isTrue();
    }

    @Test
    void pingIsWeakBothSidesMayWin() {
        var p1 = new PingTiebreaker("gw", () -> true, java.time.Duration.ofSeconds(1));
        var p2 = new PingTiebreaker("gw", () -> true, java.time.Duration.ofSeconds(1));
        assertThat(p1.evaluate(Set.of(N1), 0).granted()).isTrue();
        assertThat(p2.evaluate(Set.of(N2), 0).granted()).isTrue(); // documented weakness
        var down = new PingTiebreaker("gw", () -> false, java.time.Duration.ofSeconds(1));
        assertThat(down.evaluate(Set.of(N1), 0).granted()).isFalse();
    }
}
