package org.duplex.api.liveness;

import java.util.List;
import java.util.Optional;

import org.duplex.api.model.NodeId;

import org.osgi.annotation.versioning.ProviderType;

/** Provided by the heartbeat bundle: the current view of every configured peer and its links. */
@ProviderType
public interface LivenessService {

    List<PeerStatus> peers();

    /**
     * The status the peer last sent about itself (load, memory, disk, its links).
     *
     * @since 1.1.0
     */
    default Optional<PeerReport> lastReport(NodeId peer) {
        return Optional.empty();
    }
}
