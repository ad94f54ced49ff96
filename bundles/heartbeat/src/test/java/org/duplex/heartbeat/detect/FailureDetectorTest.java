package org.duplex.heartbeat.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {

    static final NodeId B = NodeId.of("nodeB");
    final ManualClock clock = new ManualClock();
    final List<LinkEvent> linkEvents = new ArrayList<>();
    final List<PeerEvent> peerEvents = new ArrayList<>();
    FailureDetector detector;
    long seq;

    @BeforeEach
    void setUp() {
        detector = new FailureDetector(clock, Duration.ofSeconds(5), new FailureDetector.Sink() {
            @Override
            public void linkChanged(LinkEvent event) {
                linkEvents.add(event);
            }

            @Override
            public void peerChanged(PeerEvent event) {
                peerEvents.add(event);
            }
        });
        detector.addLink("udp0", LinkKind.UDP, LinkTiming.DEFAULT, List.of(B));
        detector.addLink("serial0", LinkKind.SERIAL, LinkTiming.DEFAULT, List.of(B));
    }

    /** Advances time in 50 ms ticks; the peer sends on the given links every 200 ms. */
    void run(long millis, String... heardOn) {
        for (long t = 0; t < millis; t += 50) {
            clock.advanceMillis(50);
            if (clock.monotonicMillis() % 200 == 0) {
                for (String l : heardOn) {
                    detector.heard(B, l, l, 1, ++seq, clock.now().toEpochMilli());
                }
            }
            detector.tick();
        }
    }

    @Test
    void coldStartKeepsASilentPeerUnknownForTheInitialDeadTime() {
        run(4900);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.UNKNOWN);
        run(200);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.DEAD);
        assertThat(peerEvents).extracting(PeerEvent::liveness).containsExactly(Liveness.DEAD);
    }

    @Test
    void heardOnAllLinksIsAlive() {
        run(1000, "udp0", "serial0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.ALIVE);
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.UP);
    }

    @Test
    void oneLinkSilentIsSuspectNeverDeadAndBackToAlive() {
        run(1000, "udp0", "serial0");
        run(30_000, "serial0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.DOWN);
        assertThat(peerEvents).extracting(PeerEvent::liveness).doesNotContain(Liveness.DEAD);
        run(400, "udp0", "serial0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.ALIVE);
        assertThat(peerEvents).extracting(PeerEvent::liveness)
                .containsExactly(Liveness.ALIVE, Liveness.SUSPECT, Liveness.ALIVE);
    }

    @Test
    void deadOnlyAfterAllLinksSilentForTheDeadTime() {
        run(1000, "udp0", "serial0");
        long lastHeard = clock.monotonicMillis() - clock.monotonicMillis() % 200;
        run(1500);
        PeerEvent dead = peerEvents.get(peerEvents.size() - 1);
        assertThat(dead.liveness()).isEqualTo(Liveness.DEAD);
        long deadAt = dead.at().toEpochMilli() - clock.now().toEpochMilli() + clock.monotonicMillis();
        assertThat(deadAt - lastHeard).isBetween(1000L, 1000L + 50);
        assertThat(dead.reason()).contains("silent on all 2 link(s)");
    }

    @Test
    void lateLinkWarnsWithoutChangingLiveness() {
        run(1000, "udp0", "serial0");
        run(650, "serial0");
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.LATE);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void statisticsCountLossFromSequenceGaps() {
        detector.heard(B, "udp0", "udp0", 7, 1, clock.now().toEpochMilli());
        clock.advanceMillis(200);
        detector.heard(B, "udp0", "udp0", 7, 2, clock.now().toEpochMilli() - 5);
        clock.advanceMillis(600);
        detector.heard(B, "udp0", "udp0", 7, 5, clock.now().toEpochMilli() - 1);
        LinkStats s = detector.stats().stream().filter(x -> x.linkId().equals("udp0")).findFirst().orElseThrow();
        assertThat(s.received()).isEqualTo(3);
        assertThat(s.lost()).isEqualTo(2);
        assertThat(s.lossPercent()).isEqualTo(40.0);
        assertThat(s.latencyMillis()).isEqualTo(1);
        assertThat(s.jitterMillis()).isGreaterThan(0);
    }

    @Test
    void removingTheOnlyHeardLinkMakesThePeerDeadWhenTheRestIsDown() {
        run(1000, "udp0", "serial0");
        run(1200, "udp0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
        detector.removeLink("udp0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void aLinkAddedLaterGetsADeadTimeOfGrace() {
        run(6000, "udp0", "serial0");
        detector.addLink("tcp0", LinkKind.TCP, LinkTiming.DEFAULT, List.of(B));
        run(900, "udp0", "serial0");
        assertThat(detector.linkState(B, "tcp0")).isEqualTo(LinkState.UNKNOWN);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.ALIVE);
        run(200, "udp0", "serial0");
        assertThat(detector.linkState(B, "tcp0")).isEqualTo(LinkState.DOWN);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
    }

    @Test
    void reconfiguringALinkNeverFlashesThePeerDead() {
        run(1000, "udp0", "serial0");
        run(1200, "udp0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
        detector.addLink("udp0", LinkKind.UDP, new LinkTiming(Duration.ofMillis(100), Duration.ofMillis(300),
                Duration.ofMillis(500)), List.of(B));
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.UNKNOWN);
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
        run(400, "udp0");
        assertThat(detector.liveness(B)).isEqualTo(Liveness.SUSPECT);
        assertThat(peerEvents).extracting(PeerEvent::liveness).doesNotContain(Liveness.DEAD);
    }

    @Test
    void heardOnAnUnconfiguredPairIsReported() {
        assertThat(detector.heard(NodeId.of("stranger"), "udp0", "udp0", 1, 1, 0)).isFalse();
    }

    /**
     * The node sleeps until nextChangeAt() instead of polling: waking exactly then must give the same states as
     * polling every 50 ms, and a frame in between must push the next change out.
     */
    @Test
    void nextChangeAtIsWhenTheNextTickCanChangeAState() {
        long start = clock.monotonicMillis();
        assertThat(detector.nextChangeAt()).as("grace time of links never heard").isEqualTo(start + 5000);
        detector.heard(B, "udp0", "udp0", 1, ++seq, clock.now().toEpochMilli());
        detector.heard(B, "serial0", "serial0", 1, ++seq, clock.now().toEpochMilli());
        long warn = LinkTiming.DEFAULT.warn().toMillis();
        long dead = LinkTiming.DEFAULT.dead().toMillis();
        assertThat(detector.nextChangeAt()).isEqualTo(start + warn);

        clock.advanceMillis(warn - 1);
        detector.tick();
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.UP);
        detector.heard(B, "serial0", "serial0", 1, ++seq, clock.now().toEpochMilli());
        assertThat(detector.nextChangeAt()).as("udp0 turns LATE first").isEqualTo(start + warn);

        clock.advanceMillis(1);
        detector.tick();
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.LATE);
        assertThat(detector.nextChangeAt()).as("then udp0 turns DOWN").isEqualTo(start + dead);

        clock.advanceMillis(dead - warn);
        detector.tick();
        assertThat(detector.linkState(B, "udp0")).isEqualTo(LinkState.DOWN);
        assertThat(detector.nextChangeAt()).as("serial0, heard at warn - 1, turns LATE next")
                .isEqualTo(start + warn - 1 + warn);
    }
}
