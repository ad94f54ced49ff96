package org.duplex.api.liveness;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by whichever bundle knows this node's resource states (the failover executor); the heartbeat puts
 * the digest into every frame so peers see at once when this node's resource states change. Must return fast
 * and never block: it is called on the heartbeat sender thread.
 */
@ConsumerType
public interface ResourceStateDigest {

    /** A digest of the current resource states (for example a hash over sorted "resource=state" pairs). */
    long digest();
}
