package org.duplex.heartbeat.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.junit.jupiter.api.Test;

/** The heartbeat's metrics from a real failure detector fed frames with a sequence gap and a known transit time. */
class HeartbeatMetricsTest {

    static final NodeId B = NodeId.of("nodeB");

    /** "name{k=v, ...}" to value, labels sorted; each name keeps one type. */
    static final class Recorder implements MetricsWriter {
        final Map<String, Double> samples = new TreeMap<>();
        final Map<String, String> types = new TreeMap<>();

        private void put(String type, String name, Map<String, String> labels, double v) {
            assertThat(types.put(name, type)).as(name).isIn(null, type);
            assertThat(samples.put(name + new TreeMap<>(labels), v)).as("%s%s twice", name, labels).isNull();
        }

        @Override
        public void gauge(String name, String help, Map<String, String> labels, double value) {
            put("gauge", name, labels, value);
        }

        @Override
        public void counter(String name, String help, Map<String, String> labels, double value) {
            assertThat(name).endsWith("_total");
            put("counter", name, labels, value);
        }

        @Override
        public void summary(String name, String help, Map<String, String> labels, long count, double sum) {
            put("summary", name, labels, count);
        }
    }

    @Test
    void linkStateLatencyLossAndRejectionsAreWritten() {
        ManualClock clock = new ManualClock();
        FailureDetector d = new FailureDetector(clock, Duration.ofSeconds(5), new FailureDetector.Sink() {
            @Override
            public void linkChanged(LinkEvent event) {
            }

            @Override
            public void peerChanged(PeerEvent event) {
            }
        });
        d.addLink("udp0", LinkKind.UDP, LinkTiming.DEFAULT, List.of(B));
        d.addLink("serial0", LinkKind.SERIAL, LinkTiming.DEFAULT, List.of(B));
        long seq = 0;
        for (int i = 0; i < 40; i++) {
            clock.advanceMillis(200);
            seq += i == 20 ? 2 : 1; // one frame lost on the way
            d.heard(B, "udp0", "udp0", 1, seq, clock.now().toEpochMilli() - 3); // sent 3 ms ago
            d.tick();
        }
        RejectionCounters rejected = new RejectionCounters(16);
        rejected.count("udp0", "192.0.2.9", RejectReason.BAD_HMAC);
        rejected.count("udp0", "192.0.2.9", RejectReason.BAD_HMAC);

        Recorder r = new Recorder();
        HeartbeatMetrics.write(d.snapshot(), d.stats(), rejected, r);
        String udp = "{kind=udp, link=udp0, peer=nodeB}";
        String serial = "{kind=serial, link=serial0, peer=nodeB}";
        assertThat(r.samples)
                .containsEntry("duplex_heartbeat_link_up" + udp, 1.0)
                .containsEntry("duplex_heartbeat_link_up" + serial, 0.0)
                .containsEntry("duplex_heartbeat_link_state{kind=serial, link=serial0, peer=nodeB, state=DOWN}", 1.0)
                .containsEntry("duplex_heartbeat_link_state{kind=udp, link=udp0, peer=nodeB, state=UP}", 1.0)
                .containsEntry("duplex_heartbeat_link_state{kind=udp, link=udp0, peer=nodeB, state=DOWN}", 0.0)
                .containsEntry("duplex_heartbeat_link_latency_seconds" + udp, 0.003)
                .containsEntry("duplex_heartbeat_link_jitter_seconds" + udp, 0.0)
                .containsEntry("duplex_heartbeat_link_frames_received_total" + udp, 40.0)
                .containsEntry("duplex_heartbeat_link_frames_lost_total" + udp, 1.0)
                .containsEntry("duplex_heartbeat_link_loss_ratio" + udp, 1.0 / 41)
                .containsEntry("duplex_heartbeat_peer_liveness{liveness=SUSPECT, peer=nodeB}", 1.0)
                .containsEntry("duplex_heartbeat_peer_liveness{liveness=ALIVE, peer=nodeB}", 0.0)
                .containsEntry("duplex_heartbeat_frames_rejected_total{reason=bad_hmac}", 2.0)
                .containsEntry("duplex_heartbeat_frames_rejected_total{reason=replay}", 0.0)
                .containsEntry("duplex_heartbeat_link_last_heard_timestamp_seconds" + udp,
                        clock.now().toEpochMilli() / 1000.0);
        assertThat(r.samples.get("duplex_heartbeat_link_latency_seconds" + serial)).as("never heard").isNaN();
        assertThat(r.samples.get("duplex_heartbeat_link_last_heard_timestamp_seconds" + serial)).isNaN();
    }
}
