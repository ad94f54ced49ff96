package org.duplex.api.liveness;

import java.time.Instant;
import java.util.Objects;

import org.duplex.api.model.NodeId;

/**
 * A heartbeat link towards one peer changed state.
 *
 * @param peer   the peer node
 * @param linkId the configured link name ("udp-eth1", "serial0", "disk")
 * @param state  the new state
 * @param at     when the change was decided
 * @param reason why ("no frame for 1.0 s", "frame received")
 */
public record LinkEvent(NodeId peer, String linkId, LinkState state, Instant at, String reason) {

    public LinkEvent {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
