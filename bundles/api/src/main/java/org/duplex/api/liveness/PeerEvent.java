package org.duplex.api.liveness;

import java.time.Instant;
import java.util.Objects;

import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;

/**
 * A peer's liveness changed.
 *
 * @param peer     the peer node
 * @param liveness the new liveness
 * @param at       when the change was decided
 * @param reason   why ("silent on all 3 links since 12:00:01.2")
 */
public record PeerEvent(NodeId peer, Liveness liveness, Instant at, String reason) {

    public PeerEvent {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
