package org.duplex.cluster.liveness;

import java.util.Optional;
import java.util.Set;

import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;

/**
 * Combines the membership view with the heartbeat links: a peer missing from the view but still heard on a
 * serial or disk link (or any link) is alive but PARTITIONED, not DEAD — the redundant links exist for this.
 */
public final class LivenessCombiner {

    private LivenessCombiner() {
    }

    public static Liveness combine(NodeId peer, Set<NodeId> view, Optional<PeerStatus> heartbeat) {
        boolean inView = view.contains(peer);
        Liveness hb = heartbeat.map(PeerStatus::liveness).orElse(Liveness.UNKNOWN);
        if (inView) {
            return hb == Liveness.SUSPECT ? Liveness.SUSPECT : Liveness.ALIVE;
        }
        if (heartbeat.map(PeerStatus::heardOutOfBand).orElse(false)
                || hb == Liveness.ALIVE || hb == Liveness.SUSPECT) {
            return Liveness.PARTITIONED;
        }
        return heartbeat.isPresent() && hb == Liveness.UNKNOWN ? Liveness.UNKNOWN : Liveness.DEAD;
    }
}
