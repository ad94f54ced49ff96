package org.duplex.mirror.component;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.VolumeLease;
import org.duplex.api.failover.VolumeLock;
import org.duplex.api.failover.VolumeLockException;
import org.duplex.api.model.NodeId;
import org.duplex.mirror.engine.MirrorException;
import org.duplex.mirror.engine.MirrorVolume;
import org.duplex.mirror.leg.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link VolumeLock} for mirror volumes: holding a volume is being its primary. Acquire = promote this node's leg
 * with the epoch (refused without quorum, under an epoch older than any this leg has seen - persisted in its
 * metadata, so it survives restarts -, while the peer is primary, or when this leg is Outdated/Inconsistent);
 * release = demote (writes refused at once, in-flight writes drained). Each node's lock only acts on its own leg:
 * the failover executor acquires for its local node.
 */
@Component(service = VolumeLock.class, immediate = true)
public class MirrorVolumeLock implements VolumeLock {

    private final MirrorRegistry registry;
    private final Map<String, NodeId> holders = new ConcurrentHashMap<>();

    @Activate
    public MirrorVolumeLock(@Reference MirrorRegistry registry) {
        this.registry = registry;
    }

    private MirrorVolume volume(String name) throws VolumeLockException {
        return registry.get(name).map(MirrorRegistry.Entry::volume).orElseThrow(() -> new VolumeLockException(
                "no mirror volume '" + name + "' on this node (configure org.duplex.mirror.volume-" + name + ")"));
    }

    private void checkLocal(String volume, NodeId node) throws VolumeLockException {
        Optional<NodeId> local = registry.localNode();
        if (local.isPresent() && !local.get().equals(node)) {
            throw new VolumeLockException("mirror volume '" + volume + "' can only be taken by its own node: this is "
                    + local.get() + ", asked for " + node);
        }
    }

    @Override
    public synchronized VolumeLease acquire(String volume, NodeId node, FencingEpoch epoch, Duration timeout)
            throws VolumeLockException {
        MirrorVolume v = volume(volume);
        checkLocal(volume, node);
        try {
            v.promote(epoch);
        } catch (MirrorException e) {
            throw new VolumeLockException(e.getMessage());
        }
        holders.put(volume, node);
        return new VolumeLease(volume, node, epoch);
    }

    @Override
    public synchronized void release(String volume, NodeId node, FencingEpoch epoch, Duration timeout)
            throws VolumeLockException {
        Optional<MirrorRegistry.Entry> e = registry.get(volume);
        if (e.isEmpty() || registry.localNode().filter(l -> !l.equals(node)).isPresent()) {
            return; // not held here: ignored
        }
        MirrorVolume v = e.get().volume();
        if (v.role() != Role.PRIMARY) {
            holders.remove(volume);
            return;
        }
        if (epoch.isOlderThan(v.promotedEpoch())) {
            throw new VolumeLockException("release of '" + volume + "' under " + epoch + " refused: it was taken under "
                    + v.promotedEpoch() + " (stale coordinator?)");
        }
        try {
            v.demote(timeout);
        } catch (MirrorException ex) {
            throw new VolumeLockException(ex.getMessage());
        }
        holders.remove(volume);
    }

    @Override
    public Optional<VolumeLease> holder(String volume) {
        Optional<MirrorVolume> v = registry.get(volume).map(MirrorRegistry.Entry::volume);
        if (v.isEmpty() || v.get().role() != Role.PRIMARY) {
            return Optional.empty();
        }
        Optional<NodeId> node = Optional.ofNullable(holders.get(volume)).or(registry::localNode);
        return node.map(n -> new VolumeLease(volume, n, v.get().promotedEpoch()));
    }
}
