package org.duplex.plugin.backup;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.JobSpec;
import org.duplex.plugin.backup.restic.Repository;
import org.duplex.plugin.backup.restic.ResticException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Resource type {@value #TYPE}: a backup job in a group. start = enable the job's schedule on this node (where the
 * group is active), stop = cancel a running backup cleanly and disable, monitor = running while enabled. A backup
 * target that is down does not fail start or monitor (that would move the group's real service); the job's state
 * and staleness show in ha:status, ha:backup-status and the {@code backup-age} monitor.
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + BackupAgent.TYPE)
public class BackupAgent implements ResourceAgent {

    public static final String TYPE = "backup";

    private final BackupService service;

    @Activate
    public BackupAgent(@Reference BackupService service) {
        this.service = service;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return problems(resource);
    }

    static List<String> problems(Resource resource) {
        JobSpec.Parsed p = JobSpec.parse(resource.id().value(), resource.params());
        List<String> problems = new ArrayList<>(p.problems());
        p.spec().ifPresent(s -> {
            if (Files.exists(s.repository().passwordFile())) {
                try {
                    Repository.checkPasswordFile(s.repository().passwordFile());
                } catch (ResticException e) {
                    problems.add(e.getMessage());
                }
            } else {
                problems.add("password-file " + s.repository().passwordFile() + ": does not exist on this node");
            }
        });
        return problems;
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = problems(resource);
        if (!problems.isEmpty()) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "backup job " + resource.id() + ": "
                    + String.join("; ", problems), since(t0));
        }
        JobSpec spec = JobSpec.parse(resource.id().value(), resource.params()).orThrow();
        service.registry().enable(spec);
        return OperationResult.success("backup job " + spec.name() + " enabled on " + service.registry().host()
                + ", schedule " + spec.schedule(), since(t0));
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        boolean stopped = service.registry().disable(resource.id().value(), timeout.multipliedBy(8).dividedBy(10));
        if (!stopped) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "backup job " + resource.id()
                    + ": its restic did not exit within the stop timeout", since(t0));
        }
        return OperationResult.success("backup job " + resource.id() + " disabled here", since(t0));
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) {
        long t0 = System.nanoTime();
        Optional<BackupJob> job = service.registry().active(resource.id().value());
        if (job.isEmpty() || !job.get().enabled()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, "backup job " + resource.id() + " not enabled here",
                    since(t0));
        }
        return OperationResult.success("backup job " + resource.id() + ": " + job.get().describe(), since(t0));
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
