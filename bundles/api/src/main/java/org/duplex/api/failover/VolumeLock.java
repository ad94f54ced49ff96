package org.duplex.api.failover;

import java.time.Duration;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Exclusive ownership of a storage volume, taken with the fencing epoch before a resource that needs exclusive
 * storage starts. A request carrying an older epoch than the newest the lock has seen is refused, so a stale
 * coordinator's order can never give the volume to a second node. The mirror bundle is expected to provide it.
 */
@ProviderType
public interface VolumeLock {

    /**
     * Takes the volume for {@code node}. Succeeds when free, already held by {@code node}, or held under an older
     * epoch (the newer coordinator's decision wins).
     */
    VolumeLease acquire(String volume, NodeId node, FencingEpoch epoch, Duration timeout)
            throws VolumeLockException, InterruptedException;

    /** Gives the volume up; a release by a node that does not hold it is ignored. */
    void release(String volume, NodeId node, FencingEpoch epoch, Duration timeout)
            throws VolumeLockException, InterruptedException;

    Optional<VolumeLease> holder(String volume);
}
