package org.duplex.plugin.backup.job;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.failover.DurationWords;
import org.duplex.plugin.backup.restic.Repository;
import org.duplex.plugin.backup.schedule.CronSchedule;

/**
 * One backup job: the parameters of a resource of type {@code backup}, checked. Immutable.
 *
 * @param name          the resource id (the tag {@code job=NAME} on every snapshot it writes)
 * @param paths         absolute paths to back up
 * @param repository    where to and how to open it
 * @param schedule      when
 * @param retention     what to keep after each successful backup
 * @param maxAge        the last success may be this old before the job is STALE; zero = never stale
 * @param backupTimeout how long one backup may run before it is stopped and counted as failed
 * @param init          create the repository when it does not exist yet
 * @param database      instead of paths: a database resource whose dump is backed up (empty: paths)
 */
public record JobSpec(String name, List<Path> paths, Repository repository, CronSchedule schedule,
                      Retention retention, Duration maxAge, Duration backupTimeout, boolean init,
                      Optional<DatabaseTarget> database) {

    public static final String PARAMS_HELP = "paths or database, repository, password-file, schedule [, time-zone, "
            + "keep-last, keep-daily, keep-weekly, keep-monthly, max-age, backup-timeout, sftp-command, limit-upload, "
            + "init, database-mode, database-name, database-user, database-password-file]";

    /**
     * A database backed up through the plug-in that runs it ({@link org.duplex.api.backup.BackupSource}).
     *
     * @param resource the id of the database resource (postgresql, mariadb ...)
     * @param mode     the source's mode ({@code dump}, {@code basebackup}); empty = the source's default
     * @param options  options for the source: every {@code database-*} parameter but the mode
     *                 ({@code database-name}, {@code database-user}, {@code database-password-file})
     */
    public record DatabaseTarget(String resource, Optional<String> mode, Map<String, String> options) {
        public DatabaseTarget {
            options = Map.copyOf(options);
        }
    }

    public JobSpec(String name, List<Path> paths, Repository repository, CronSchedule schedule, Retention retention,
                   Duration maxAge, Duration backupTimeout, boolean init) {
        this(name, paths, repository, schedule, retention, maxAge, backupTimeout, init, Optional.empty());
    }

    /** The outcome of parsing: a spec, or one problem per bad parameter (each naming it). */
    public record Parsed(Optional<JobSpec> spec, List<String> problems) {
        public JobSpec orThrow() {
            return spec.orElseThrow(() -> new IllegalArgumentException(String.join("; ", problems)));
        }
    }

    public static Parsed parse(String name, Map<String, String> p) {
        List<String> problems = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        String pathsText = p.getOrDefault("paths", "").trim();
        String database = p.getOrDefault("database", "").trim();
        Optional<DatabaseTarget> db = Optional.empty();
        if (!database.isEmpty()) {
            if (!pathsText.isEmpty()) {
                problems.add("paths and database: a job backs up either paths or one database (database="
                        + database + "); make two jobs");
            }
            Map<String, String> options = new java.util.LinkedHashMap<>();
            // database-name, database-user, database-password-file ...: the source's own options, checked by it
            p.forEach((k, v) -> {
                if (k.startsWith("database-") && !k.equals("database-mode") && v != null && !v.isBlank()) {
                    options.put(k, v.trim());
                }
            });
            db = Optional.of(new DatabaseTarget(database, Optional.ofNullable(p.get("database-mode"))
                    .map(String::trim).filter(v -> !v.isEmpty()), options));
        } else if (p.keySet().stream().anyMatch(k -> k.startsWith("database-"))) {
            problems.add("database-mode, database-name: only with database=RESOURCE (the database resource to dump)");
        }
        if (pathsText.isEmpty() && database.isEmpty()) {
            problems.add("paths: required (comma-separated absolute paths, e.g. paths=/srv/data,/etc/app), or "
                    + "database=RESOURCE for a database resource's dump");
        } else if (!pathsText.isEmpty()) {
            for (String s : pathsText.split(",")) {
                String t = s.trim();
                if (t.isEmpty() || !t.startsWith("/")) {
                    problems.add("paths: '" + t + "' is not an absolute path");
                } else {
                    paths.add(Path.of(t));
                }
            }
        }
        String repo = p.getOrDefault("repository", "").trim();
        if (repo.isEmpty()) {
            problems.add("repository: required (a local path like /backup/repo or sftp:user@host:/path)");
        } else if (!repo.startsWith("/") && !repo.startsWith("sftp:")) {
            problems.add("repository: '" + repo + "' must be an absolute local path or sftp:user@host:/path");
        }
        String pw = p.getOrDefault("password-file", "").trim();
        if (pw.isEmpty() || !pw.startsWith("/")) {
            problems.add("password-file: required, an absolute path to a file of mode 0600 holding the password");
        }
        ZoneId zone = ZoneId.of("UTC");
        try {
            zone = ZoneId.of(p.getOrDefault("time-zone", "UTC").trim());
        } catch (RuntimeException e) {
            problems.add("time-zone: '" + p.get("time-zone") + "' is not a time zone (e.g. UTC, Europe/Paris)");
        }
        CronSchedule schedule = null;
        String sched = p.getOrDefault("schedule", "").trim();
        if (sched.isEmpty()) {
            problems.add("schedule: required, a cron expression (e.g. '0 2 * * *' for 02:00 every day)");
        } else {
            try {
                schedule = CronSchedule.parse(sched, zone);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        int[] keep = new int[4];
        String[] keys = {"keep-last", "keep-daily", "keep-weekly", "keep-monthly"};
        for (int i = 0; i < keys.length; i++) {
            String v = p.get(keys[i]);
            if (v != null) {
                try {
                    keep[i] = Integer.parseInt(v.trim());
                    if (keep[i] < 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    problems.add(keys[i] + ": '" + v + "' is not a number >= 0");
                }
            }
        }
        Duration maxAge = duration(p, "max-age", Duration.ZERO, problems);
        Duration timeout = duration(p, "backup-timeout", Duration.ofHours(6), problems);
        if (timeout.isZero()) {
            problems.add("backup-timeout: must be positive");
        }
        int limit = 0;
        String lim = p.get("limit-upload");
        if (lim != null) {
            try {
                limit = Integer.parseInt(lim.trim());
                if (limit < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("limit-upload: '" + lim + "' is not a number of KiB/s >= 0");
            }
        }
        String init = p.getOrDefault("init", "false").trim();
        if (!init.equals("true") && !init.equals("false")) {
            problems.add("init: '" + init + "' must be true or false");
        }
        Optional<String> sftp = Optional.ofNullable(p.get("sftp-command")).map(String::trim).filter(s -> !s.isEmpty());
        if (!problems.isEmpty()) {
            return new Parsed(Optional.empty(), List.copyOf(problems));
        }
        return new Parsed(Optional.of(new JobSpec(name, List.copyOf(paths), new Repository(repo, Path.of(pw), sftp, limit),
                schedule, new Retention(keep[0], keep[1], keep[2], keep[3]), maxAge, timeout,
                init.equals("true"), db)), List.of());
    }

    private static Duration duration(Map<String, String> p, String key, Duration dflt, List<String> problems) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return DurationWords.parse(v.trim(), key);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return dflt;
        }
    }
}
