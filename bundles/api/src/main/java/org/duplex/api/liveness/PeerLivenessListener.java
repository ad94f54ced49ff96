package org.duplex.api.liveness;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives heartbeat events. Register an implementation as an OSGi service; the heartbeat bundle calls every
 * registered listener, in order of events, from one thread. Implementations must return quickly.
 */
@ConsumerType
public interface PeerLivenessListener {

    default void linkChanged(LinkEvent event) {
    }

    void peerChanged(PeerEvent event);
}
