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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Monitor type {@value #TYPE}: is the last successful backup of job {@code job} younger than the job's max-age?
 * DEGRADED when stale (an operator should look; a stale backup is no reason to move a database), or UNHEALTHY with
 * {@code stale=unhealthy} for those who want the group's on-fail policy to act. UNKNOWN where the job is not
 * enabled (its group is active elsewhere).
 */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + BackupAgeMonitor.TYPE)
public class BackupAgeMonitor implements ResourceMonitor {

    public static final String TYPE = "backup-age";

    private final BackupService service;

    @Activate
    public BackupAgeMonitor(@Reference BackupService service) {
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
        String stale = params.getOrDefault("stale", "degraded");
        if (!stale.equals("degraded") && !stale.equals("unhealthy")) {
            p.add("stale: '" + stale + "' must be degraded or unhealthy");
        }
        return p;
    }

    @Override
    public HealthStatus check(Map<String, String> params, Duration timeout) {
        long t0 = System.nanoTime();
        String name = params.getOrDefault("job", "");
        Optional<BackupJob> job = service.registry().active(name);
        Duration el = Duration.ofNanos(System.nanoTime() - t0);
        if (job.isEmpty()) {
            return HealthStatus.unknown("backup job '" + name + "' is not enabled on this node", el);
        }
        Optional<String> stale = job.get().staleness();
        if (stale.isPresent()) {
            Health h = "unhealthy".equals(params.get("stale")) ? Health.UNHEALTHY : Health.DEGRADED;
            return new HealthStatus(h, stale.get(), el);
        }
        return HealthStatus.healthy("backup job " + name + ": " + job.get().describe(), el);
    }
}
