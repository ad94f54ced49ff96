package org.duplex.failover.lock;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.VolumeLease;
import org.duplex.api.failover.VolumeLock;
import org.duplex.api.failover.VolumeLockException;
import org.duplex.api.model.NodeId;

/**
 * The epoch rules of {@link VolumeLock} in memory, for one process: the reference the mirror bundle's real
 * implementation must behave like, and what the tests use. Not a cluster-wide lock by itself.
 */
public final class LocalVolumeLock implements VolumeLock {

    private final Map<String, VolumeLease> leases = new HashMap<>();
    private final Map<String, FencingEpoch> newest = new HashMap<>();

    @Override
    public synchronized VolumeLease acquire(String volume, NodeId node, FencingEpoch epoch, Duration timeout)
            throws VolumeLockException {
        FencingEpoch seen = newest.getOrDefault(volume, FencingEpoch.NONE);
        if (epoch.isOlderThan(seen)) {
            throw new VolumeLockException(node + " asked under " + epoch + " but " + volume + " has seen " + seen);
        }
        VolumeLease held = leases.get(volume);
        if (held != null && !held.holder().equals(node) && !held.epoch().isOlderThan(epoch)) {
            throw new VolumeLockException(volume + " is held by " + held.holder() + " under " + held.epoch());
        }
        VolumeLease lease = new VolumeLease(volume, node, epoch);
        leases.put(volume, lease);
        newest.put(volume, epoch);
        return lease;
    }

    @Override
    public synchronized void release(String volume, NodeId node, FencingEpoch epoch, Duration timeout) {
        VolumeLease held = leases.get(volume);
        if (held != null && held.holder().equals(node)) {
            leases.remove(volume);
        }
    }

    @Override
    public synchronized Optional<VolumeLease> holder(String volume) {
        return Optional.ofNullable(leases.get(volume));
    }
}
