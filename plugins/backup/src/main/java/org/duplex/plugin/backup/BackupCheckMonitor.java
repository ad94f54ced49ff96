package org.duplex.plugin.backup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.restic.ResticException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Monitor type {@value #TYPE}: the periodic repository check. Runs {@code restic check} (with
 * {@code read-data-subset=N%} also reading that share of the data) on the repository of job {@code job}, on the node
 * where the job is enabled, every {@code interval} of the monitor (a day is typical). DEGRADED when the repository
 * has errors or cannot be read (UNHEALTHY with {@code failed=unhealthy}); UNKNOWN where the job is not enabled.
 */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + BackupCheckMonitor.TYPE)
public class BackupCheckMonitor implements ResourceMonitor {

    public static final String TYPE = "backup-check";

    private final BackupService service;

    @Activate
    public BackupCheckMonitor(@Reference BackupService service) {
        this.service = service;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> validate(Map<String, String> params) {
        List<String> p = new ArrayList<>();
        if (params.getOrDefault("job", "").isBlank()) {
            p.add("job: required (the name of a resource of type backup)");
        }
        String failed = params.getOrDefault("failed", "degraded");
        if (!failed.equals("degraded") && !failed.equals("unhealthy")) {
            p.add("failed: '" + failed + "' must be degraded or unhealthy");
        }
        String subset = params.get("read-data-subset");
        if (subset != null && !subset.matches("(100|[1-9][0-9]?)%")) {
            p.add("read-data-subset: '" + subset + "' must be a percentage 1%-100%");
        }
        return p;
    }

    @Override
    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        String name = params.getOrDefault("job", "");
        Optional<BackupJob> job = service.registry().active(name);
        if (job.isEmpty()) {
            return HealthStatus.unknown("backup job '" + name + "' is not enabled on this node", since(t0));
        }
        try {
            String done = job.get().checkRepository(Optional.ofNullable(params.get("read-data-subset")), timeout);
            return HealthStatus.healthy(done, since(t0));
        } catch (ResticException e) {
            Health h = "unhealthy".equals(params.get("failed")) ? Health.UNHEALTHY : Health.DEGRADED;
            return new HealthStatus(h, "backup job " + name + ": repository check FAILED: " + e.getMessage(),
                    since(t0));
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
