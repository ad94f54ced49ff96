package org.duplex.plugin.backup.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.duplex.api.backup.BackupSource;
import org.duplex.plugin.backup.restic.BackupSummary;
import org.duplex.plugin.backup.restic.LockInfo;
import org.duplex.plugin.backup.restic.ProcessRunner;
import org.duplex.plugin.backup.restic.Progress;
import org.duplex.plugin.backup.restic.Restic;
import org.duplex.plugin.backup.restic.ResticException;
import org.duplex.plugin.backup.restic.Snapshot;
import org.duplex.plugin.backup.schedule.SlotPlanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup job on this node: runs its schedule's slots exactly once across the cluster (the repository's snapshot
 * tags {@code job=NAME} and {@code slot=ID} are the shared truth), runs on demand, cancels cleanly. Plain Java with
 * an injected clock; the scheduling thread lives in {@link JobRegistry}.
 */
public final class BackupJob {

    private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
    /** A slot started this long ago still counts as on time. */
    static final Duration ON_TIME = Duration.ofMinutes(1);
    static final Duration LIST_TIMEOUT = Duration.ofMinutes(2);
    /** A slot that finds a manual run of its job under way looks again this soon. */
    static final Duration BUSY_RECHECK = Duration.ofSeconds(5);
    /**
     * What a restore may point elsewhere: where the other server is. Not the tools' directory nor the OS user: an
     * operator (who may restore) must not choose what runs as root.
     */
    /** The database parameters a restore may replace (--set, the REST API's set), to restore into another server. */
    public static final Set<String> RESTORE_OVERRIDES = Set.of("port", "host", "socket-dir", "socket", "data-dir", "user",
            "password-file", "database");

    /** What one scheduler tick did, and when to tick next. */
    public record Tick(String what, Instant next) { }

    private final JobSpec spec;
    private final Restic restic;
    private final Clock clock;
    private final String host;
    private final Duration retry;
    private final SlotPlanner planner;
    private final DatabaseSources databases;
    private volatile java.util.function.Predicate<String> deadHost = h -> false;
    private final ReentrantLock running = new ReentrantLock();
    private volatile ProcessRunner.Cancel cancel;
    private volatile boolean enabled;
    private volatile Instant lastSuccess;
    private volatile String lastSuccessWhere = "";
    private volatile RunRecord lastRun;
    private volatile String currentRun;
    private volatile Progress progress;
    private volatile String lastProblem;
    private volatile String lastCheck;

    public BackupJob(JobSpec spec, Restic restic, Clock clock, String host, Duration retry) {
        this(spec, restic, clock, host, retry, DatabaseSources.NONE);
    }

    public BackupJob(JobSpec spec, Restic restic, Clock clock, String host, Duration retry,
                     DatabaseSources databases) {
        this.spec = spec;
        this.databases = databases;
        this.restic = restic;
        this.clock = clock;
        this.host = host;
        this.retry = retry;
        this.planner = new SlotPlanner(spec.schedule());
    }

    public JobSpec spec() {
        return spec;
    }

    /**
     * Tells which repository lock holders (OS host names) are gone for sure: their node is DEAD to the cluster and
     * out of its view. Their locks are removed at once rather than after restic's 30 minutes.
     */
    public void deadHosts(java.util.function.Predicate<String> dead) {
        this.deadHost = dead;
    }

    public String jobTag() {
        return "job=" + spec.name();
    }

    public boolean enabled() {
        return enabled;
    }

    public void enable() {
        enabled = true;
    }

    /**
     * Disables the schedule and stops a running backup: SIGINT to restic (it removes its lock; a backup cut short
     * writes no snapshot, only unreferenced data that the next prune removes), then SIGKILL after the grace period (and a lock it left is cleared).
     *
     * @return true when no backup is running any more
     */
    public boolean disable(Duration timeout) throws InterruptedException {
        enabled = false;
        ProcessRunner.Cancel c = cancel;
        if (c != null) {
            LOG.info("backup job {}: stopping the running backup ({}) because the job is disabled here",
                    spec.name(), currentRun);
            c.cancel();
        }
        if (running.tryLock(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            running.unlock();
            return true;
        }
        return false;
    }

    /**
     * One scheduler step: reads which slots the repository holds, runs the current slot when nobody has, and says
     * when to look again (the next slot, or a retry after a failure).
     */
    public Tick tick() throws InterruptedException {
        Instant now = clock.instant();
        if (!enabled) {
            return new Tick("disabled", planner.nextAfter(now));
        }
        List<Snapshot> snaps;
        try {
            if (spec.init()) {
                initIfMissing();
            }
            snaps = restic.snapshots(spec.repository(), List.of(jobTag()), LIST_TIMEOUT);
            lastProblem = null;
        } catch (ResticException e) {
            lastProblem = e.getMessage();
            LOG.warn("backup job {}: cannot read the repository's snapshots, retrying in {} s: {}", spec.name(),
                    retry.toSeconds(), e.getMessage());
            return new Tick("repository unreadable: " + e.getMessage(), earlier(now.plus(retry), now));
        }
        noteSnapshots(snaps);
        Set<String> done = new HashSet<>();
        snaps.forEach(s -> s.tag("slot").ifPresent(done::add));
        SlotPlanner.Decision d = planner.decide(now, done, ON_TIME);
        if (d instanceof SlotPlanner.Decision.Done dn) {
            return new Tick("slot " + dn.slotId() + " done already", dn.next());
        }
        SlotPlanner.Decision.Run run = (SlotPlanner.Decision.Run) d;
        String trigger = "slot " + run.slotId() + (run.catchUp() ? " (catch-up)" : "");
        if (running.isLocked()) {
            // a manual run of this job is under way: not a failure of the slot, which runs once it is done (waiting
            // retry.seconds instead lost every slot of a schedule at least that frequent)
            return new Tick(trigger + ": waiting for the running backup (" + currentRun + ")",
                    earlier(now.plus(BUSY_RECHECK), now));
        }
        RunRecord r = runBackup(trigger, List.of(jobTag(), "slot=" + run.slotId()), p -> { });
        Instant after = clock.instant();
        return new Tick(trigger + ": " + r.message(),
                r.succeeded() ? planner.nextAfter(after) : earlier(after.plus(retry), after));
    }

    private Instant earlier(Instant retryAt, Instant now) {
        Instant next = planner.nextAfter(now);
        return retryAt.isBefore(next) ? retryAt : next;
    }

    /** A backup now, outside the schedule (tagged {@code manual}, so it does not consume a slot). */
    public RunRecord runNow(Consumer<Progress> progress) throws InterruptedException {
        return runBackup("manual", List.of(jobTag(), "manual"), progress);
    }

    private RunRecord runBackup(String trigger, List<String> tags, Consumer<Progress> onProgress)
            throws InterruptedException {
        Instant start = clock.instant();
        if (!running.tryLock()) {
            return new RunRecord(trigger, start, start, Optional.empty(), "refused: a backup of " + spec.name()
                    + " is running already (" + currentRun + ")");
        }
        ProcessRunner.Cancel c = new ProcessRunner.Cancel();
        cancel = c;
        currentRun = trigger + " since " + start;
        progress = null;
        RunRecord rec;
        try {
            if (spec.init()) {
                initIfMissing();
            }
            clearStaleLocks();
            Consumer<Progress> seen = p -> {
                progress = p;
                onProgress.accept(p);
            };
            BackupSummary s;
            if (spec.database().isPresent()) {
                BackupSource.StreamCommand dump = stream(spec.database().get(), null, false);
                LOG.info("backup job {}: {} starting: {} -> {}", spec.name(), trigger, dump,
                        spec.repository().location());
                s = restic.backupStream(spec.repository(), dump, tags, host, spec.backupTimeout(), seen, c);
            } else {
                LOG.info("backup job {}: {} starting: {} -> {}", spec.name(), trigger, spec.paths(),
                        spec.repository().location());
                s = restic.backup(spec.repository(), spec.paths(), tags, host, spec.backupTimeout(), seen, c);
            }
            Instant end = clock.instant();
            lastSuccess = end;
            lastSuccessWhere = host;
            String msg = s.describe();
            if (!spec.retention().keepsAll()) {
                try {
                    restic.forget(spec.repository(), jobTag(), spec.retention().resticArgs(), spec.backupTimeout());
                } catch (ResticException e) {
                    msg += "; retention (" + spec.retention() + ") FAILED: " + e.getMessage();
                    LOG.warn("backup job {}: backup fine, retention failed: {}", spec.name(), e.getMessage());
                }
            }
            LOG.info("backup job {}: {} done: {}", spec.name(), trigger, msg);
            rec = new RunRecord(trigger, start, end, Optional.of(s), msg);
        } catch (ResticException e) {
            LOG.warn("backup job {}: {} FAILED: {}", spec.name(), trigger, e.getMessage());
            if (c.isCancelled()) {
                clearStaleLocks(); // in case restic was killed after its grace period
            }
            rec = new RunRecord(trigger, start, clock.instant(), Optional.empty(), "FAILED: " + e.getMessage());
        } finally {
            cancel = null;
            currentRun = null;
            running.unlock();
        }
        lastRun = rec;
        return rec;
    }

    private void initIfMissing() throws ResticException, InterruptedException {
        try {
            restic.snapshots(spec.repository(), List.of(jobTag()), LIST_TIMEOUT);
        } catch (ResticException e) {
            if (e.getMessage().contains("no restic repository at")) {
                LOG.info("backup job {}: creating repository {} (init=true)", spec.name(),
                        spec.repository().location());
                restic.init(spec.repository(), LIST_TIMEOUT);
            }
        }
    }

    /**
     * A lock left by a killed restic (this node crashed or its restic was killed) blocks forget and prune. restic
     * unlock removes only stale ones (process gone on this host, or not refreshed for 30 minutes), so calling it
     * never breaks a live backup elsewhere.
     */
    public List<LockInfo> clearStaleLocks() throws InterruptedException {
        try {
            List<LockInfo> locks = restic.locks(spec.repository(), LIST_TIMEOUT);
            if (locks.isEmpty()) {
                return locks;
            }
            for (LockInfo l : locks) {
                LOG.info("backup job {}: repository {} has a {}", spec.name(), spec.repository().location(),
                        l.describe());
            }
            restic.unlockStale(spec.repository(), LIST_TIMEOUT);
            List<LockInfo> left = restic.locks(spec.repository(), LIST_TIMEOUT);
            String me = localHostName();
            if (!left.isEmpty() && left.stream().allMatch(l -> !l.hostname().equals(me) && deadHost.test(l.hostname()))) {
                // every holder left is on a node the cluster sees dead: nothing can be using these locks
                for (LockInfo l : left) {
                    LOG.warn("backup job {}: removing the {} of node host {}, which the cluster sees DEAD", spec.name(),
                            l.describe(), l.hostname());
                }
                restic.removeLocks(spec.repository(), left, LIST_TIMEOUT);
                left = restic.locks(spec.repository(), LIST_TIMEOUT);
            } else if (!left.isEmpty()) {
                for (LockInfo l : left) {
                    LOG.info("backup job {}: leaving the {} (its holder may be alive; restic removes it once it is "
                            + "30 minutes old)", spec.name(), l.describe());
                }
            }
            List<LockInfo> still = left;
            List<LockInfo> removed = new ArrayList<>(locks);
            removed.removeIf(l -> still.stream().anyMatch(k -> k.id().equals(l.id())));
            removed.forEach(l -> LOG.info("backup job {}: removed stale {}", spec.name(), l.describe()));
            return removed;
        } catch (ResticException e) {
            LOG.warn("backup job {}: cannot inspect repository locks: {}", spec.name(), e.getMessage());
            return List.of();
        }
    }

    /** The OS host name restic writes into the locks it takes on this machine. */
    static String localHostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException u) {
                return "";
            }
        }
    }

    private void noteSnapshots(List<Snapshot> snaps) {
        if (!snaps.isEmpty()) {
            Snapshot latest = snaps.get(snaps.size() - 1);
            if (lastSuccess == null || latest.time().isAfter(lastSuccess)) {
                lastSuccess = latest.time();
                lastSuccessWhere = latest.hostname();
            }
        }
    }

    public List<Snapshot> snapshots() throws ResticException, InterruptedException {
        List<Snapshot> s = restic.snapshots(spec.repository(), List.of(jobTag()), LIST_TIMEOUT);
        noteSnapshots(s);
        return s;
    }

    public void restore(String snapshot, Path target, Duration timeout) throws ResticException, InterruptedException {
        restic.restore(spec.repository(), snapshot, target, timeout, null);
    }

    /**
     * Restores a database snapshot of this job into its database resource's server, or, with {@code overrides}
     * (port, socket-dir, data-dir ...), into another server: the snapshot's dump is streamed into the database
     * plug-in's restore command.
     *
     * @return what was done, one line
     */
    public String restoreDatabase(String snapshot, Map<String, String> overrides, Duration timeout)
            throws ResticException, InterruptedException {
        JobSpec.DatabaseTarget t = spec.database().orElseThrow(() -> new ResticException("job " + spec.name()
                + " backs up paths, not a database: restore it with --target PATH"));
        for (String k : overrides.keySet()) {
            if (!RESTORE_OVERRIDES.contains(k)) {
                throw new ResticException("--set " + k + ": not allowed (only where the other server is: "
                        + String.join(", ", new java.util.TreeSet<>(RESTORE_OVERRIDES)) + "); the tools and the OS "
                        + "user a restore runs as come from the resource's configuration");
            }
        }
        List<Snapshot> snaps = snapshots();
        Snapshot snap = snaps.stream()
                .filter(x -> "latest".equals(snapshot) ? x == snaps.get(snaps.size() - 1)
                        : x.id().startsWith(snapshot) || x.shortId().equals(snapshot))
                .findFirst()
                .orElseThrow(() -> new ResticException("no snapshot '" + snapshot + "' of job " + spec.name()
                        + " (ha:backup-snapshots " + spec.name() + " lists them)"));
        if (snap.paths().size() != 1) {
            throw new ResticException("snapshot " + snap.shortId() + " of " + spec.name() + " holds " + snap.paths()
                    + ", not one database stream");
        }
        String file = snap.paths().get(0).replaceFirst("^/", "");
        BackupSource.StreamCommand target = stream(t, overrides, true);
        LOG.info("backup job {}: restoring snapshot {} ({}) by {}", spec.name(), snap.shortId(), file, target);
        restic.restoreStream(spec.repository(), snap.id(), file, target, timeout, null);
        return "restored snapshot " + snap.shortId() + " of " + spec.name() + " (" + file + ", taken "
                + snap.time() + " on " + snap.hostname() + "): " + target.description();
    }

    private BackupSource.StreamCommand stream(JobSpec.DatabaseTarget t, Map<String, String> overrides,
                                              boolean restore) throws ResticException {
        DatabaseSources.Resolved r;
        try {
            r = databases.resolve(t.resource());
        } catch (IllegalArgumentException e) {
            throw new ResticException(e.getMessage());
        }
        Map<String, String> params = new java.util.HashMap<>(r.params());
        if (overrides != null) {
            params.putAll(overrides);
        }
        String mode = t.mode().orElse(r.source().modes().get(0));
        BackupSource.StreamRequest req = new BackupSource.StreamRequest(params, mode, t.options());
        List<String> problems = r.source().validate(req);
        if (!problems.isEmpty()) {
            throw new ResticException("database " + t.resource() + " (" + r.type() + "): " + String.join("; ",
                    problems));
        }
        try {
            return restore ? r.source().restore(req) : r.source().dump(req);
        } catch (RuntimeException e) {
            throw new ResticException("database " + t.resource() + " (" + r.type() + "): " + e.getMessage());
        }
    }

    /**
     * {@code restic check} of the job's repository (a periodic check: the {@code backup-check} monitor). Its
     * outcome shows in {@link #describe()}.
     *
     * @return what was checked, one line
     * @throws ResticException when the repository has errors or cannot be read
     */
    public String checkRepository(Optional<String> readDataSubset, Duration timeout)
            throws ResticException, InterruptedException {
        Instant start = clock.instant();
        try {
            restic.check(spec.repository(), readDataSubset, timeout);
        } catch (ResticException e) {
            lastCheck = "repository check FAILED at " + start + ": " + e.getMessage();
            LOG.warn("backup job {}: {}", spec.name(), lastCheck);
            throw e;
        }
        String done = "repository " + spec.repository().location() + " checked, no errors"
                + readDataSubset.map(x -> " (data read: " + x + ")").orElse("") + ", at " + start;
        lastCheck = done;
        return done;
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    public Optional<RunRecord> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    public Optional<String> currentRun() {
        return Optional.ofNullable(currentRun);
    }

    public Optional<Progress> progress() {
        return Optional.ofNullable(progress);
    }

    /**
     * Stale when max-age is set and the last success (on any node, as far as this node has seen the repository) is
     * older than it, or there has been none since the job was enabled. Empty when fresh.
     */
    public Optional<String> staleness() {
        if (spec.maxAge().isZero()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (lastSuccess == null) {
            return Optional.of("STALE: no successful backup of " + spec.name() + " known"
                    + (lastRun == null ? "" : "; last attempt " + lastRun.message())
                    + (lastProblem == null ? "" : "; " + lastProblem));
        }
        Duration age = Duration.between(lastSuccess, now);
        if (age.compareTo(spec.maxAge()) > 0) {
            return Optional.of("STALE: last successful backup of " + spec.name() + " " + words(age) + " ago (on "
                    + lastSuccessWhere + "), limit max-age " + words(spec.maxAge())
                    + (lastRun != null && !lastRun.succeeded() ? "; last attempt " + lastRun.message() : "")
                    + (lastProblem == null ? "" : "; " + lastProblem));
        }
        return Optional.empty();
    }

    /** One line for status output. */
    public String describe() {
        Instant now = clock.instant();
        StringBuilder b = new StringBuilder();
        b.append(enabled ? "enabled" : "disabled");
        currentRun().ifPresent(r -> b.append(", RUNNING ").append(r)
                .append(progress().map(p -> " " + p.describe()).orElse("")));
        b.append(", last success ").append(lastSuccess == null ? "none known"
                : words(Duration.between(lastSuccess, now)) + " ago on " + lastSuccessWhere);
        lastRun().filter(r -> !r.succeeded()).ifPresent(r -> b.append(", last attempt ").append(r.message()));
        staleness().ifPresent(s -> b.append(" - ").append(s));
        Optional.ofNullable(lastCheck).ifPresent(c -> b.append(", ").append(c));
        if (enabled) {
            b.append(", next slot ").append(planner.nextAfter(now));
        }
        return b.toString();
    }

    static String words(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172800) {
            return s / 3600 + " h " + (s % 3600) / 60 + " min";
        }
        return s / 86400 + " d";
    }
}
