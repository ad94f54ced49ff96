package org.duplex.heartbeat.status;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Samples this node's load, memory and disk usage. Sampling reads /proc and the file systems, so the result is
 * cached for a second: the heartbeat asks for it on every frame.
 */
public final class LocalStatusSampler {

    private static final long CACHE_NANOS = 1_000_000_000L;
    private final List<Path> watchedPaths;
    private volatile long sampledAt = Long.MIN_VALUE;
    private volatile NodeStatus cached = NodeStatus.UNKNOWN;

    public LocalStatusSampler(List<Path> watchedPaths) {
        this.watchedPaths = List.copyOf(watchedPaths);
    }

    /** The base status (no links, no digest); the caller adds those. */
    public NodeStatus sample() {
        long now = System.nanoTime();
        if (sampledAt != Long.MIN_VALUE && now - sampledAt < CACHE_NANOS) {
            return cached;
        }
        NodeStatus s = new NodeStatus(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                memoryUsedPercent(), diskUsedPercent(), Map.of());
        cached = s;
        sampledAt = now;
        return s;
    }

    private static int memoryUsedPercent() {
        try {
            long total = -1;
            long available = -1;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    total = kb(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kb(line);
                }
            }
            return total > 0 && available >= 0 ? (int) (100 - 100 * available / total) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private int diskUsedPercent() {
        int worst = -1;
        for (Path p : watchedPaths) {
            try {
                FileStore fs = Files.getFileStore(p);
                long total = fs.getTotalSpace();
                if (total > 0) {
                    worst = Math.max(worst, (int) (100 - 100 * fs.getUsableSpace() / total));
                }
            } catch (IOException | RuntimeException e) {
                // an unmounted path is not worth failing the heartbeat for
            }
        }
        return worst;
    }
}
