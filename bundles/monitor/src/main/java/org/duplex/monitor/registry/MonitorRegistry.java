package org.duplex.monitor.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource monitors plug-ins have contributed, by type, and a runner that enforces each check's timeout:
 * a plug-in that overruns or throws yields {@link Health#UNKNOWN} with the reason, never a hung caller.
 */
public final class MonitorRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorRegistry.class);

    private final Map<String, ResourceMonitor> byType = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "duplex-monitor-check");
        t.setDaemon(true);
        return t;
    });

    public void add(ResourceMonitor monitor) {
        ResourceMonitor previous = byType.put(monitor.type(), monitor);
        if (previous != null && previous != monitor) {
            LOG.warn("Two plug-ins provide the '{}' monitor; the newer one ({}) replaces {}", monitor.type(),
                    monitor.getClass().getName(), previous.getClass().getName());
        } else {
            LOG.info("Resource monitor '{}' available ({})", monitor.type(), monitor.getClass().getName());
        }
    }

    public void remove(ResourceMonitor monitor) {
        if (byType.remove(monitor.type(), monitor)) {
            LOG.info("Resource monitor '{}' removed", monitor.type());
        }
    }

    public SortedSet<String> types() {
        return new TreeSet<>(byType.keySet());
    }

    public Optional<ResourceMonitor> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Validates and runs one check of {@code type}; every failure mode becomes a status with a reason. */
    public HealthStatus check(String type, Map<String, String> params, Duration timeout) {
        ResourceMonitor monitor = byType.get(type);
        if (monitor == null) {
            return HealthStatus.unknown("no monitor of type '" + type + "' is installed (available: "
                    + String.join(", ", types()) + ")", Duration.ZERO);
        }
        List<String> problems = monitor.validate(params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("invalid parameters for '" + type + "': " + String.join("; ", problems),
                    Duration.ZERO);
        }
        long start = System.nanoTime();
        Future<HealthStatus> future = runner.submit(() -> monitor.check(params, timeout));
        try {
            // A small grace over the check's own timeout: the plug-in is expected to honour it itself.
            return future.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return HealthStatus.unknown("'" + type + "' check did not return within " + timeout.toMillis() + " ms",
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            LOG.warn("The '{}' monitor threw instead of returning a status", type, e.getCause());
            return HealthStatus.unknown("'" + type + "' check failed: " + e.getCause(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return HealthStatus.unknown("interrupted", Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
