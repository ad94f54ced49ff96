package org.duplex.api.liveness;

import java.util.List;
import java.util.Objects;

import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;

/**
 * A peer as the heartbeat links see it: {@link Liveness#ALIVE}, {@link Liveness#SUSPECT},
 * {@link Liveness#DEAD} or {@link Liveness#UNKNOWN} (the heartbeat never says PARTITIONED: that needs the
 * membership view, which the cluster bundle combines with this).
 */
public record PeerStatus(NodeId peer, Liveness liveness, List<LinkStatus> links) {

    public PeerStatus {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(liveness, "liveness");
        links = List.copyOf(Objects.requireNonNull(links, "links"));
    }

    /** True when the peer is heard on a link that does not depend on the IP network. */
    public boolean heardOutOfBand() {
        return links.stream().anyMatch(l -> l.kind().isOutOfBand() && l.state() == LinkState.UP
                || l.kind().isOutOfBand() && l.state() == LinkState.LATE);
    }
}
