package org.duplex.heartbeat.detect;

import java.time.Instant;
import java.util.Optional;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.model.NodeId;

/**
 * Statistics of one (peer, link) pair.
 *
 * @param latencyMillis last one-way latency (receive wall time minus send time: needs synchronised clocks)
 * @param jitterMillis  RFC 3550 inter-arrival jitter, independent of clock offset
 * @param lossPercent   frames missing from the sequence since the peer's current incarnation started
 */
public record LinkStats(NodeId peer, String linkId, LinkKind kind, LinkState state, Optional<Instant> lastHeard,
        long received, long lost, double lossPercent, double latencyMillis, double jitterMillis) {
}
