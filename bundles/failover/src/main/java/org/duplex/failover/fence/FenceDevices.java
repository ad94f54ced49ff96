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
 * The configured fencing devices, by name; the {@link Fencer} the controller uses. A node is fenced through its
 * fencing levels (Pacemaker's fencing topology, {@link #levels}): every device of level 1 that lists it, in name
 * order, then those of level 2, and so on, until one confirms it off. A device that fails, times out or throws
 * moves on to the next; when every one failed, the fence failed (and the engine starts nothing beside the node).
 * Thread-safe: devices come and go with their configuration files.
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

    /** The devices that list {@code node}, in the order they are tried: by level, then by name. */
    public List<FenceDevice> devicesFor(NodeId node) {
        return devices.values().stream().filter(d -> d.config().covers(node))
                .sorted(java.util.Comparator.comparingInt(d -> d.config().level())).toList();
    }

    /**
     * One fencing level of a node: its devices, tried in name order; the next level is tried only when every one
     * of them failed.
     */
    public record Level(int level, List<String> devices) {

        public Level {
            devices = List.copyOf(devices);
        }
    }

    /** {@code node}'s fencing levels in the order they are tried (empty: no device covers it). */
    public List<Level> levels(NodeId node) {
        return levels(devices(), node);
    }

    /** The levels of {@code node} among {@code devices} (any order): by level, then by name within a level. */
    public static List<Level> levels(List<FenceDevice> devices, NodeId node) {
        Map<Integer, java.util.SortedSet<String>> byLevel = new java.util.TreeMap<>();
        for (FenceDevice d : devices) {
            if (d.config().covers(node)) {
                byLevel.computeIfAbsent(d.config().level(), l -> new java.util.TreeSet<>()).add(d.name());
            }
        }
        List<Level> out = new ArrayList<>();
        byLevel.forEach((l, names) -> out.add(new Level(l, List.copyOf(names))));
        return out;
    }

    /** Every node some device covers, by node id, with its levels. */
    public static Map<NodeId, List<Level>> topology(List<FenceDevice> devices) {
        Map<NodeId, List<Level>> out = new java.util.TreeMap<>(java.util.Comparator.comparing(NodeId::value));
        devices.forEach(d -> d.config().nodes().forEach(n -> out.computeIfAbsent(n, x -> levels(devices, x))));
        return out;
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
        int levels = levels(node).size();
        List<String> answers = new ArrayList<>();
        for (FenceDevice d : candidates) {
            int level = d.config().level();
            FenceResult r = runGuarded(d, FenceAction.OFF, node);
            String attempt = "level " + level + " " + r.describe();
            answers.add(attempt);
            if (r.ok()) {
                confirmedOff.put(node, System.nanoTime());
                LOG.warn("fenced {} [{}] at fencing level {} of {} with {}: {}", node, epoch, level, levels, d.name(),
                        r.describe());
                return new Outcome(true, String.join("; ", answers), answers);
            }
            LOG.error("fencing {} [{}] with {} (level {} of {}) failed: {}; {}", node, epoch, d.name(), level,
                    levels, r.describe(), d == candidates.get(candidates.size() - 1)
                            ? "no device left: the fence FAILED and nothing of " + node + " starts elsewhere"
                            : "trying " + candidates.get(candidates.indexOf(d) + 1).name() + " next");
        }
        return new Outcome(false, String.join("; ", answers), answers);
    }

    /** A device that throws (a bug, a broken parameter found late) is a failed attempt, not the end of the fence. */
    private static FenceResult runGuarded(FenceDevice d, FenceAction action, NodeId node) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            return d.run(action, node);
        } catch (RuntimeException e) {
            return new FenceResult(d.name(), node, action, 2, "device failed: " + e, false,
                    Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /**
     * {@code ha:fence}: runs {@code action} on the node's devices in level order; off, on and cycle stop at the
     * first success, status asks every device.
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
            FenceResult r = runGuarded(d, action, node);
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
