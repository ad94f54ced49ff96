package org.duplex.plugin.backup.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.duplex.plugin.backup.restic.Restic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup jobs enabled on this node (their group is active here) and the thread that ticks their schedules.
 * Jobs defined in the cluster's configuration but active elsewhere are reachable for listing and restoring through
 * {@link #job(String)}.
 */
public final class JobRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRegistry.class);

    private final Restic restic;
    private final Clock clock;
    private final String host;
    private final Duration retry;
    private final Supplier<Map<String, Map<String, String>>> configured;
    private final DatabaseSources databases;
    private volatile java.util.function.Predicate<String> deadHosts = h -> false;
    private final Map<String, BackupJob> active = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> ticks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "duplex-backup-scheduler");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param configured the parameters of every resource of type backup in the cluster's configuration, by name
     */
    public JobRegistry(Restic restic, Clock clock, String host, Duration retry,
                       Supplier<Map<String, Map<String, String>>> configured) {
        this(restic, clock, host, retry, configured, DatabaseSources.NONE);
    }

    public JobRegistry(Restic restic, Clock clock, String host, Duration retry,
                       Supplier<Map<String, Map<String, String>>> configured, DatabaseSources databases) {
        this.databases = databases;
        this.restic = restic;
        this.clock = clock;
        this.host = host;
        this.retry = retry;
        this.configured = configured;
    }

    public String host() {
        return host;
    }

    /** Which lock holders (OS host names) are on nodes the cluster sees dead; see {@link BackupJob#deadHosts}. */
    public void deadHosts(java.util.function.Predicate<String> dead) {
        this.deadHosts = dead;
        active.values().forEach(j -> j.deadHosts(dead));
    }

    /** Enables the job on this node (idempotent; a changed definition replaces the old one) and ticks it now. */
    public synchronized BackupJob enable(JobSpec spec) throws InterruptedException {
        BackupJob job = active.get(spec.name());
        if (job != null && job.spec().equals(spec) && job.enabled()) {
            return job;
        }
        if (job != null) {
            disable(spec.name(), Duration.ofSeconds(30));
        }
        BackupJob fresh = new BackupJob(spec, restic, clock, host, retry, databases);
        fresh.deadHosts(deadHosts);
        fresh.enable();
        active.put(spec.name(), fresh);
        schedule(fresh, Duration.ZERO);
        LOG.info("backup job {}: enabled on {} ({} -> {}, schedule {})", spec.name(), host,
                spec.database().map(d -> (Object) ("database " + d.resource())).orElse(spec.paths()),
                spec.repository().location(), spec.schedule());
        return fresh;
    }

    private void schedule(BackupJob job, Duration delay) {
        ticks.put(job.spec().name(), scheduler.schedule(() -> {
            if (!job.enabled() || active.get(job.spec().name()) != job) {
                return;
            }
            Instant next;
            try {
                BackupJob.Tick t = job.tick();
                next = t.next();
                LOG.debug("backup job {}: {}; next look at {}", job.spec().name(), t.what(), next);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("backup job {}: scheduler step failed, retrying in {} s", job.spec().name(),
                        retry.toSeconds(), e);
                next = clock.instant().plus(retry);
            }
            if (job.enabled()) {
                Duration d = Duration.between(clock.instant(), next);
                schedule(job, d.isNegative() ? Duration.ZERO : d);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Disables the job here and stops its running backup; true when nothing runs any more. */
    public boolean disable(String name, Duration timeout) throws InterruptedException {
        BackupJob job = active.remove(name);
        ScheduledFuture<?> f = ticks.remove(name);
        if (f != null) {
            f.cancel(false);
        }
        if (job == null) {
            return true;
        }
        boolean stopped = job.disable(timeout);
        LOG.info("backup job {}: disabled on {}{}", name, host, stopped ? "" : " (its backup is still stopping)");
        return stopped;
    }

    public Optional<BackupJob> active(String name) {
        return Optional.ofNullable(active.get(name));
    }

    /**
     * The job named {@code name}: the active one, or one built from the cluster configuration (not enabled, for
     * snapshots, restore and manual runs).
     *
     * @throws IllegalArgumentException naming the job when there is no such job, or its parameters are bad
     */
    public BackupJob job(String name) {
        BackupJob j = active.get(name);
        if (j != null) {
            return j;
        }
        Map<String, String> params = configured.get().get(name);
        if (params == null) {
            throw new IllegalArgumentException("unknown backup job '" + name + "': no resource of type backup with "
                    + "that name (ha:backup-list shows them)");
        }
        BackupJob made = new BackupJob(JobSpec.parse(name, params).orThrow(), restic, clock, host, retry, databases);
        made.deadHosts(deadHosts);
        return made;
    }

    /** The definitions of the jobs enabled here, sorted by name. */
    public synchronized java.util.List<JobSpec> enabledSpecs() {
        return active.values().stream().filter(BackupJob::enabled).map(BackupJob::spec)
                .sorted(java.util.Comparator.comparing(JobSpec::name)).toList();
    }

    /** Every job: the configured ones (by name) and the active ones, sorted by name. */
    public Map<String, Optional<BackupJob>> all() {
        Map<String, Optional<BackupJob>> m = new TreeMap<>();
        configured.get().keySet().forEach(n -> m.put(n, Optional.empty()));
        active.forEach((n, j) -> m.put(n, Optional.of(j)));
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        for (String name : active.keySet()) {
            disable(name, Duration.ofSeconds(10));
        }
        scheduler.shutdownNow();
        // a tick may be inside restic (listing snapshots, creating the repository): wait for it to end
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("backup scheduler: a step was still running 30 s after shutdown; its restic may still be "
                    + "running");
        }
    }
}
