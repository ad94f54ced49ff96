package org.duplex.failover.fence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.failover.control.Fencer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured fencing devices, by name; the {@link Fencer} the controller uses. A node is fenced by asking
 * each device that lists it, in name order, to power it off, until one succeeds (Pacemaker's single fencing
 * level). Thread-safe: devices come and go with their configuration files.
 */
public final class FenceDevices implements Fencer {

    private static final Logger LOG = LoggerFactory.getLogger(FenceDevices.class);

    private final Map<String, FenceDevice> devices = new ConcurrentSkipListMap<>();
    /** When each node was last confirmed off ({@link System#nanoTime()}), whoever asked. */
    private final Map<NodeId, Long> confirmedOff = new java.util.concurrent.ConcurrentHashMap<>();

    /** The last confirmed power-off of {@code node} at or after {@code notBeforeNanos}, if any. */
    public Optional<Long> confirmedSince(NodeId node, long notBeforeNanos) {
        return Optional.ofNullable(confirmedOff.get(node)).filter(at -> at >= notBeforeNanos);
    }

    /** Adds or replaces (same name) a device. */
    public void add(FenceDevice device) {
        FenceDevice old = devices.put(device.name(), device);
        LOG.info("fencing device {} {}: type {}, nodes {}, {}, timeout {} ms, retry every {} ms", device.name(),
                old == null ? "added" : "replaced", device.config().type(), device.config().nodes(),
                device.describeTarget(), device.config().timeout().toMillis(),
                device.config().retryInterval().toMillis());
    }

    /** Removes this device if it is still the one registered under its name. */
    public void remove(FenceDevice device) {
        if (devices.remove(device.name(), device)) {
            LOG.info("fencing device {} removed", device.name());
        }
    }

    public List<FenceDevice> devices() {
        return List.copyOf(devices.values());
    }

    public List<FenceDevice> devicesFor(NodeId node) {
        return devices.values().stream().filter(d -> d.config().covers(node)).toList();
    }

    @Override
    public Set<NodeId> coverage() {
        Set<NodeId> out = new LinkedHashSet<>();
        devices.values().forEach(d -> out.addAll(d.config().nodes()));
        return out;
    }

    /** The shortest retry interval among the node's devices (default 5 s). */
    @Override
    public Duration retryInterval(NodeId node) {
        return devicesFor(node).stream().map(d -> d.config().retryInterval()).min(Duration::compareTo)
                .orElse(DEFAULT_RETRY);
    }

    @Override
    public Outcome fence(NodeId node, FencingEpoch epoch, String reason) throws InterruptedException {
        List<FenceDevice> candidates = devicesFor(node);
        if (candidates.isEmpty()) {
            return Fencer.NONE.fence(node, epoch, reason);
        }
        List<String> answers = new ArrayList<>();
        for (FenceDevice d : candidates) {
            FenceResult r = d.run(FenceAction.OFF, node);
            answers.add(r.describe());
            if (r.ok()) {
                confirmedOff.put(node, System.nanoTime());
                LOG.warn("fenced {} [{}] with {}: {}", node, epoch, d.name(), r.describe());
                return new Outcome(true, String.join("; ", answers));
            }
            LOG.error("fencing {} [{}] with {} failed: {}", node, epoch, d.name(), r.describe());
        }
        return new Outcome(false, String.join("; ", answers));
    }

    /**
     * {@code ha:fence}: runs {@code action} on the node's devices in name order; off and on stop at the first
     * success, status asks every device.
     *
     * @throws IllegalArgumentException when no device lists the node
     */
    public List<FenceResult> run(NodeId node, FenceAction action) throws InterruptedException {
        List<FenceDevice> candidates = devicesFor(node);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no fencing device covers " + node + (devices.isEmpty()
                    ? "; none is configured (etc/org.duplex.failover.fence-<name>.cfg)"
                    : "; devices: " + devices.keySet()));
        }
        List<FenceResult> out = new ArrayList<>();
        for (FenceDevice d : candidates) {
            FenceResult r = d.run(action, node);
            out.add(r);
            if (r.ok() && action == FenceAction.OFF) {
                confirmedOff.put(node, System.nanoTime());
            } else if (r.ok() && action == FenceAction.ON) {
                confirmedOff.remove(node);
            }
            if (r.ok() && action != FenceAction.STATUS) {
                break;
            }
        }
        return out;
    }

    public Optional<FenceDevice> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }
}
