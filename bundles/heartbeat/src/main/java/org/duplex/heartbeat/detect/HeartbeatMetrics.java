package org.duplex.heartbeat.detect;

import java.util.List;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.api.model.Liveness;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.frame.RejectionCounters;

/**
 * The heartbeat's metrics: per peer its liveness, per (peer, link) its state, the one-way latency and the jitter
 * of the last frame, frames received and lost (sequence gaps) and when it was last heard; rejected frames per
 * reason. These are the numbers the failure detector already keeps ({@link LinkStats}, {@code ha:links}); nothing
 * is measured for the metrics. Received/lost count from the peer's current incarnation (they restart at zero when
 * the peer restarts: Prometheus' rate() treats that as a counter reset).
 */
public final class HeartbeatMetrics {

    private HeartbeatMetrics() {
    }

    public static void write(List<PeerStatus> peers, List<LinkStats> links, RejectionCounters rejections,
                             MetricsWriter out) {
        for (PeerStatus p : peers) {
            for (Liveness l : List.of(Liveness.UNKNOWN, Liveness.ALIVE, Liveness.SUSPECT, Liveness.DEAD)) {
                out.gauge("duplex_heartbeat_peer_liveness", "Liveness of each peer on the heartbeat links alone "
                        + "(1 for the current state; SUSPECT: silent on some links).",
                        Map.of("peer", p.peer().value(), "liveness", l.name()), p.liveness() == l ? 1 : 0);
            }
        }
        for (LinkStats s : links) {
            Map<String, String> id = Map.of("peer", s.peer().value(), "link", s.linkId(),
                    "kind", s.kind().name().toLowerCase());
            for (LinkState st : LinkState.values()) {
                Map<String, String> l = new java.util.HashMap<>(id);
                l.put("state", st.name());
                out.gauge("duplex_heartbeat_link_state", "State of each heartbeat link towards each peer "
                        + "(1 for the current state).", l, s.state() == st ? 1 : 0);
            }
            out.gauge("duplex_heartbeat_link_up", "1 when the link towards the peer is UP, else 0.", id,
                    s.state() == LinkState.UP ? 1 : 0);
            boolean heard = s.lastHeard().isPresent();
            out.gauge("duplex_heartbeat_link_latency_seconds", "One-way latency of the last frame: arrival wall time "
                    + "minus the sender's send time (millisecond resolution; includes the clocks' offset, so it is "
                    + "meaningful only with synchronised clocks). NaN before the first frame.", id,
                    heard ? s.latencyMillis() / 1000.0 : Double.NaN);
            out.gauge("duplex_heartbeat_link_jitter_seconds", "Inter-arrival jitter of the link's frames (RFC 3550, "
                    + "independent of the clocks' offset).", id, heard ? s.jitterMillis() / 1000.0 : Double.NaN);
            out.gauge("duplex_heartbeat_link_loss_ratio", "Frames missing from the sequence over frames sent, since "
                    + "the peer's current incarnation started (0 to 1).", id, s.lossPercent() / 100.0);
            out.counter("duplex_heartbeat_link_frames_received_total", "Valid frames received from the peer on the "
                    + "link since the peer's current incarnation started.", id, s.received());
            out.counter("duplex_heartbeat_link_frames_lost_total", "Frames the peer sent on the link that never "
                    + "arrived (sequence gaps) since its current incarnation started.", id, s.lost());
            out.gauge("duplex_heartbeat_link_last_heard_timestamp_seconds", "When the last valid frame arrived from "
                    + "the peer on the link (Unix time; NaN: never).", id,
                    s.lastHeard().map(t -> t.toEpochMilli() / 1000.0).orElse(Double.NaN));
        }
        for (Map.Entry<RejectReason, Long> e : rejections.totals().entrySet()) {
            out.counter("duplex_heartbeat_frames_rejected_total", "Frames refused since the node started, by reason "
                    + "(bad HMAC, replay, unknown sender ...).", Map.of("reason", e.getKey().name().toLowerCase()),
                    e.getValue());
        }
    }
}
