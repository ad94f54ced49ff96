package org.duplex.cluster.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.junit.jupiter.api.Test;

/**
 * What one core sends while a term cannot start (a member still booting, its Hello not in): resends back off
 * instead of re-broadcasting the configuration at every tick; a Hello that arrives before its view is installed
 * still counts once the view is.
 */
class ClusterCoreResendTest {

    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(50);

    private long now = 1_000_000_000L;
    private final List<ClusterMessage> sent = new ArrayList<>();
    private final ClusterConfig config = ClusterConfig.initial("c",
            List.of(NodeConfig.member("n1"), NodeConfig.member("n2"), NodeConfig.member("n3")));

    private ClusterCore core(NodeId self) throws Exception {
        return new ClusterCore(self, config, QuorumSettings.majority(), Tiebreaker.NONE, new EpochStore.InMemory(),
                new ConfigStore.InMemory(), () -> now, (target, m) -> sent.add(m));
    }

    private long hellos() {
        return sent.stream().filter(m -> m instanceof ClusterMessage.Hello).count();
    }

    @Test
    void aMemberThatNeverAnswersGetsAFewHellosASecondNotOneEveryTick() throws Exception {
        ClusterCore n1 = core(N1);
        n1.onView(new MembershipView("v1", List.of(N1, N2, N3)));
        sent.clear();
        for (int i = 0; i < 200; i++) { // 10 s of ticks, n2 and n3 silent
            now += TICK;
            n1.tick();
        }
        // every tick was 200 broadcasts of the whole configuration; backing off to one a second leaves ~15
        assertThat(hellos()).isBetween(5L, 20L);
    }

    @Test
    void aHelloThatArrivesBeforeItsViewIsInstalledIsNotLost() throws Exception {
        ClusterCore n1 = core(N1);
        MembershipView v = new MembershipView("v1", List.of(N1, N2));
        // n2 installed v1 first and said hello; n1 gets the hello, then the view
        n1.onMessage(new ClusterMessage.Hello(N2, "v1", 0, config, false));
        n1.onView(v);
        sent.clear();
        now += TICK;
        n1.tick();
        assertThat(sent).as("n1 had every hello, so it opened a term at its first tick")
                .anyMatch(m -> m instanceof ClusterMessage.NewTerm);
    }

    @Test
    void theTermIsOfferedAgainUntilAcknowledgedButBackingOff() throws Exception {
        ClusterCore n1 = core(N1);
        n1.onView(new MembershipView("v1", List.of(N1, N2)));
        n1.onMessage(new ClusterMessage.Hello(N2, "v1", 0, config, false));
        sent.clear();
        for (int i = 0; i < 9; i++) { // 450 ms, inside the 500 ms term deadline; n2 never acknowledges
            now += TICK;
            n1.tick();
        }
        long terms = sent.stream().filter(m -> m instanceof ClusterMessage.NewTerm).count();
        assertThat(terms).as("opened, then offered again at +50, +150, +350 ms").isBetween(3L, 5L);
        n1.onMessage(new ClusterMessage.TermAck(N2, "v1", n1.knownEpoch()));
        now += TICK;
        n1.tick();
        assertThat(n1.isEstablishedCoordinator()).isTrue();
    }

    @Test
    void termsThatKeepFailingAreRetriedWithGrowingGapsAndTheFirstSuccessResetsThem() throws Exception {
        ClusterCore n1 = core(N1);
        n1.onView(new MembershipView("v1", List.of(N1, N2)));
        n1.onMessage(new ClusterMessage.Hello(N2, "v1", 0, config, false));
        List<Long> opened = new ArrayList<>();
        long start = now;
        for (int i = 0; i < 400; i++) { // 20 s; n2 takes every term but its acknowledgements never arrive
            now += TICK;
            int before = sent.size();
            n1.tick();
            sent.subList(before, sent.size()).stream().filter(m -> m instanceof ClusterMessage.NewTerm)
                    .map(m -> ((ClusterMessage.NewTerm) m).epoch()).distinct()
                    .filter(e -> !opened.contains(e)).forEach(opened::add);
        }
        // a fixed gap (deadline 500 ms + 500 ms) would open ~20 terms, each a new epoch persisted on every node
        assertThat(opened).hasSizeBetween(4, 8);
        long next = -1;
        for (int i = 0; i < 400 && next < 0; i++) { // the next attempt, within 8 deadlines
            now += TICK;
            int before = sent.size();
            n1.tick();
            next = sent.subList(before, sent.size()).stream().filter(m -> m instanceof ClusterMessage.NewTerm)
                    .mapToLong(m -> ((ClusterMessage.NewTerm) m).epoch()).filter(e -> !opened.contains(e))
                    .findFirst().orElse(-1);
        }
        assertThat(next).as("still retried, however long it failed").isPositive();
        assertThat(now - start).isLessThan(TimeUnit.SECONDS.toNanos(25));
        n1.onMessage(new ClusterMessage.TermAck(N2, "v1", next));
        now += TICK;
        n1.tick();
        assertThat(n1.state().isCoordinator()).as("an acknowledgement within the deadline establishes it").isTrue();
    }
}
