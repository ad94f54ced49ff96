package org.duplex.api.liveness;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One heartbeat link towards one peer, as last observed.
 *
 * @param linkId    the configured link name
 * @param kind      the medium
 * @param state     up, late, down or unknown
 * @param lastHeard when the last valid frame from the peer arrived on this link, if ever
 */
public record LinkStatus(String linkId, LinkKind kind, LinkState state, Optional<Instant> lastHeard) {

    public LinkStatus {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastHeard, "lastHeard");
    }
}
