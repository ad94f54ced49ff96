package org.duplex.api.liveness;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Provided by the heartbeat bundle: the current view of every configured peer and its links. */
@ProviderType
public interface LivenessService {

    List<PeerStatus> peers();
}
