package org.duplex.api.cluster;

import org.osgi.annotation.versioning.ConsumerType;

/** Told of every change of quorum, coordinator or epoch. Must return quickly. */
@FunctionalInterface
@ConsumerType
public interface QuorumListener {

    void quorumChanged(QuorumState previous, QuorumState current);
}
