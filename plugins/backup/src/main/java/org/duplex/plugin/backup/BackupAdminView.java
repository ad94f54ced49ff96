package org.duplex.plugin.backup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.BackupAdmin;
import org.duplex.api.admin.BackupJobInfo;
import org.duplex.api.admin.BackupRun;
import org.duplex.api.admin.BackupSnapshot;
import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.JobRegistry;
import org.duplex.plugin.backup.job.JobSpec;
import org.duplex.plugin.backup.job.RunRecord;
import org.duplex.plugin.backup.restic.ResticException;
import org.duplex.plugin.backup.restic.Snapshot;

/**
 * The API's {@link BackupAdmin} over the same {@link JobRegistry} the ha:backup-* commands use. Input is checked
 * before anything starts (unknown job or snapshot, a target that is not absolute, a job busy already), then the
 * backup or restore runs on {@code worker} and its outcome shows in {@link #jobs()}.
 */
public final class BackupAdminView implements BackupAdmin {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupAdminView.class);

    private final Supplier<JobRegistry> registry;
    private final Executor worker;
    private final Clock clock;
    /** Jobs with a backup or restore started here and not ended: the job object doing it. */
    private final Map<String, BackupJob> busy = new ConcurrentHashMap<>();
    private final Map<String, RunRecord> manualRuns = new ConcurrentHashMap<>();
    private final Map<String, String> restoring = new ConcurrentHashMap<>();
    private final Map<String, String> lastRestore = new ConcurrentHashMap<>();

    public BackupAdminView(Supplier<JobRegistry> registry, Executor worker, Clock clock) {
        this.registry = registry;
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public List<BackupJobInfo> jobs() {
        List<BackupJobInfo> out = new ArrayList<>();
        registry().all().forEach((name, active) -> {
            BackupJob j;
            try {
                j = busy.containsKey(name) ? busy.get(name) : active.orElseGet(() -> registry().job(name));
            } catch (IllegalArgumentException e) {
                out.add(new BackupJobInfo(name, active.isPresent(), e.getMessage(), "", "", List.of(), "", "", "",
                        null, run(name, manualRuns.get(name)), "", "", restoring.getOrDefault(name, ""),
                        lastRestore.getOrDefault(name, "")));
                return;
            }
            JobSpec s = j.spec();
            Optional<RunRecord> last = j.lastRun();
            RunRecord manual = manualRuns.get(name);
            RunRecord latest = last.isEmpty() || (manual != null && manual.ended().isAfter(last.get().ended()))
                    ? manual : last.get();
            out.add(new BackupJobInfo(name, active.isPresent(), "", s.schedule().text(), s.retention().toString(),
                    s.paths().stream().map(Path::toString).toList(),
                    s.database().map(JobSpec.DatabaseTarget::resource).orElse(""), s.repository().location(),
                    j.currentRun().map(r -> r + j.progress().map(p -> " " + p.describe()).orElse("")).orElse(""),
                    j.lastSuccess().orElse(null), run(name, latest), j.staleness().orElse(""),
                    active.map(BackupJob::describe).orElse(""), restoring.getOrDefault(name, ""),
                    lastRestore.getOrDefault(name, "")));
        });
        return out;
    }

    private static BackupRun run(String job, RunRecord r) {
        return r == null ? null : new BackupRun(job, r.trigger(), r.started(), r.ended(), r.succeeded(), r.message());
    }

    @Override
    public List<BackupSnapshot> snapshots(String job) throws AdminException, InterruptedException {
        return snapshotsOf(job, job(job)).stream().map(BackupAdminView::value).toList();
    }

    private static BackupSnapshot value(Snapshot s) {
        return new BackupSnapshot(s.shortId(), s.time(), s.hostname(), s.tag("slot").orElse(s.tags()
                .contains("manual") ? "manual" : "-"), s.paths());
    }

    @Override
    public String run(String job) throws AdminException {
        BackupJob j = job(job);
        claim(job, j);
        worker.execute(() -> {
            try {
                manualRuns.put(job, j.runNow(p -> { }));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("backup job {}: the backup started through the API failed", job, e);
                manualRuns.put(job, new RunRecord("manual", clock.instant(), clock.instant(), Optional.empty(),
                        "FAILED: " + e));
            } finally {
                busy.remove(job);
            }
        });
        return "backup of " + job + " started on " + registry().host() + " (the job list shows it running, then "
                + "its outcome)";
    }

    @Override
    public String restore(String job, String snapshot, String target, Duration timeout)
            throws AdminException, InterruptedException {
        BackupJob j = job(job);
        if (j.spec().database().isPresent()) {
            throw new AdminException(AdminException.Kind.INVALID, "target", "job " + job + " backs up database "
                    + j.spec().database().get().resource() + ", not paths: restore it with intoDatabase: true");
        }
        if (target == null || target.isBlank()) {
            throw new AdminException(AdminException.Kind.INVALID, "target", "target is required: an absolute "
                    + "directory of this node to restore into");
        }
        Path t;
        try {
            t = Path.of(target);
        } catch (java.nio.file.InvalidPathException e) {
            throw new AdminException(AdminException.Kind.INVALID, "target", "target: " + e.getMessage());
        }
        if (!t.isAbsolute()) {
            throw new AdminException(AdminException.Kind.INVALID, "target", "target '" + target + "' must be an "
                    + "absolute path");
        }
        Snapshot snap = find(job, j, snapshot);
        String what = "snapshot " + snap.shortId() + " into " + t;
        start(job, j, what, () -> {
            j.restore(snap.id(), t, timeout);
            return "restored " + what;
        });
        return "restore of " + what + " started on " + registry().host() + " (the job list shows its outcome)";
    }

    @Override
    public String restoreDatabase(String job, String snapshot, Map<String, String> overrides, Duration timeout)
            throws AdminException, InterruptedException {
        BackupJob j = job(job);
        if (j.spec().database().isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, "intoDatabase", "job " + job + " backs up paths, "
                    + "not a database: restore it into a target directory");
        }
        for (String k : overrides.keySet()) {
            if (!BackupJob.RESTORE_OVERRIDES.contains(k)) {
                throw new AdminException(AdminException.Kind.INVALID, "set", "set: " + k + " may not be replaced "
                        + "(only where the other server is: " + String.join(", ",
                        new TreeSet<>(BackupJob.RESTORE_OVERRIDES)) + ")");
            }
        }
        Snapshot snap = find(job, j, snapshot);
        String what = "snapshot " + snap.shortId() + " into database " + j.spec().database().get().resource()
                + (overrides.isEmpty() ? "" : " " + overrides);
        start(job, j, what, () -> j.restoreDatabase(snap.id(), overrides, timeout));
        return "restore of " + what + " started on " + registry().host() + " (the job list shows its outcome)";
    }

    @FunctionalInterface
    private interface Work {
        String run() throws ResticException, InterruptedException;
    }

    private void start(String job, BackupJob j, String what, Work work) throws AdminException {
        claim(job, j);
        restoring.put(job, what + " since " + clock.instant());
        worker.execute(() -> {
            try {
                lastRestore.put(job, work.run() + " (" + clock.instant() + ")");
            } catch (ResticException e) {
                lastRestore.put(job, "FAILED: restore of " + what + ": " + e.getMessage() + " (" + clock.instant()
                        + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("backup job {}: the restore started through the API failed", job, e);
                lastRestore.put(job, "FAILED: restore of " + what + ": " + e + " (" + clock.instant() + ")");
            } finally {
                restoring.remove(job);
                busy.remove(job);
            }
        });
    }

    /** Marks the job busy, or refuses when a backup or restore of it runs (started here, or scheduled). */
    private void claim(String job, BackupJob j) throws AdminException {
        if (j.currentRun().isPresent()) {
            throw new AdminException(AdminException.Kind.REFUSED, "job", "a backup of " + job + " is running "
                    + "already (" + j.currentRun().get() + ")");
        }
        if (busy.putIfAbsent(job, j) != null) {
            throw new AdminException(AdminException.Kind.REFUSED, "job", "a backup or restore of " + job
                    + " started here is running already" + (restoring.containsKey(job) ? " (restoring "
                    + restoring.get(job) + ")" : ""));
        }
    }

    private Snapshot find(String job, BackupJob j, String snapshot) throws AdminException, InterruptedException {
        if (snapshot == null || snapshot.isBlank()) {
            throw new AdminException(AdminException.Kind.INVALID, "snapshot", "snapshot is required: an id from "
                    + "the job's snapshot list, or latest");
        }
        List<Snapshot> all = snapshotsOf(job, j);
        if (snapshot.equals("latest")) {
            if (all.isEmpty()) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "snapshot", "job " + job + " has no "
                        + "snapshots yet");
            }
            return all.get(all.size() - 1);
        }
        return all.stream().filter(s -> s.shortId().equals(snapshot) || (snapshot.length() >= 8
                        && s.id().startsWith(snapshot))).findFirst()
                .orElseThrow(() -> new AdminException(AdminException.Kind.NOT_FOUND, "snapshot", "no snapshot '"
                        + snapshot + "' of job " + job + " (its snapshot list shows them)"));
    }

    private List<Snapshot> snapshotsOf(String job, BackupJob j) throws AdminException, InterruptedException {
        try {
            return j.snapshots();
        } catch (ResticException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "cannot list the snapshots of " + job + ": "
                    + e.getMessage());
        }
    }

    /** The job (active here, or made from the configuration), or a refusal naming it. */
    private BackupJob job(String name) throws AdminException {
        JobRegistry r = registry();
        if (name == null || !r.all().containsKey(name)) {
            Set<String> known = r.all().keySet();
            throw new AdminException(AdminException.Kind.NOT_FOUND, "job", "no backup job '" + name + "' (jobs: "
                    + (known.isEmpty() ? "none; a backup job is a resource of type backup" : String.join(", ", known))
                    + ")");
        }
        BackupJob started = busy.get(name);
        if (started != null) {
            return started;
        }
        try {
            return r.job(name);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "job", "backup job " + name + " cannot be used: "
                    + e.getMessage());
        }
    }

    private JobRegistry registry() {
        JobRegistry r = registry.get();
        if (r == null) {
            throw new IllegalStateException("the backup plug-in is not running on this node");
        }
        return r;
    }
}
