package org.duplex.plugin.postgresql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Exec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start, stop and monitor of one PostgreSQL server (the {@code postgresql} resource agent), shared-storage mode:
 * one instance whose data directory lives on a filesystem resource of the same group.
 *
 * <ul>
 * <li><b>start</b>: {@code pg_ctl start -w -t T} as {@code os-user} (through {@code runuser} when Duplex runs as
 * root; PostgreSQL refuses to run as root), then connect + {@code SELECT 1} until it answers or the timeout. A stale
 * {@code postmaster.pid} (no live postmaster behind it, e.g. after the other node died) is removed first.</li>
 * <li><b>stop</b>: fast shutdown (SIGINT: sessions rolled back, checkpoint) for {@code stop-fast} (default half the
 * stop timeout), then immediate (SIGQUIT: no checkpoint, crash recovery at the next start) for
 * {@code stop-immediate} (default a quarter), then SIGKILL to the postmaster and every process under it.</li>
 * <li><b>monitor</b>: the data directory absent (its filesystem is mounted on another node) or no live postmaster
 * is NOT_RUNNING; a live postmaster must answer connect + {@code SELECT 1} within {@code connect-timeout}.</li>
 * </ul>
 * Every external call (pg_ctl, kill, JDBC) is bounded by the operation's timeout.
 */
final class PgControl {

    static final String TYPE = "postgresql";

    static final Set<String> KEYS = Set.of("data-dir", "bin-dir", "port", "host", "socket-dir", "os-user", "user",
            "database", "password-file", "connect-timeout", "config-file", "log-file", "stop-fast", "stop-immediate",
            // replication mode (PgReplication); promotable, promote-max-lag and promote-force are the engine's
            "promotable", "promote-max-lag", "promote-force", "hosts", "synchronous-standby-names");

    private static final Logger LOG = LoggerFactory.getLogger(PgControl.class);
    /** Paths that go into pg_ctl's -o string, which pg_ctl hands to /bin/sh. */
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./+-]+");

    record Spec(Path dataDir, Path binDir, int port, Optional<Path> socketDir, String osUser,
                PgParams.Connect connect, Optional<Path> configFile, Path logFile, Optional<Duration> stopFast,
                Optional<Duration> stopImmediate) {
    }

    static Spec parse(Map<String, String> params, List<String> problems) {
        PgParams p = new PgParams(params, KEYS);
        Path data = p.absolutePath("data-dir", true, null);
        Path bin = p.absolutePath("bin-dir", false, PgParams.DEFAULT_BIN_DIR);
        Path socket = p.absolutePath("socket-dir", false, null);
        Path config = p.absolutePath("config-file", false, null);
        Path log = p.absolutePath("log-file", false, null);
        String osUser = p.name("os-user", "postgres");
        PgParams.Connect connect = PgParams.connect(p);
        Optional<Duration> fast = p.duration("stop-fast");
        Optional<Duration> immediate = p.duration("stop-immediate");
        if (socket != null && !SHELL_SAFE.matcher(socket.toString()).matches()) {
            p.problems().add("socket-dir: only letters, digits and _ . / + - are allowed, was '" + socket + "'");
        }
        if (config != null && !SHELL_SAFE.matcher(config.toString()).matches()) {
            p.problems().add("config-file: only letters, digits and _ . / + - are allowed, was '" + config + "'");
        }
        if (data != null && data.getNameCount() == 0) {
            p.problems().add("data-dir: must not be /");
        }
        problems.addAll(p.problems());
        if (!problems.isEmpty()) {
            return null;
        }
        return new Spec(data, bin, connect.port(), Optional.ofNullable(socket), osUser, connect,
                Optional.ofNullable(config), log != null ? log : data.resolve("duplex-postgresql.log"), fast, immediate);
    }

    List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    // ---------------------------------------------------------------------------------------------- monitor

    OperationResult monitor(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Spec s = parse(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Deadline d = Deadline.within(timeout);
        if (!Files.isDirectory(s.dataDir())) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, "not running here: data-dir " + s.dataDir()
                    + " does not exist on this node (its filesystem is not mounted here)", since(t0));
        }
        Optional<Long> pid;
        try {
            pid = Postmaster.live(s.dataDir());
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        if (pid.isEmpty()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, "stopped: no live postmaster for " + s.dataDir(),
                    since(t0));
        }
        try {
            Jdbc.with(s.connect(), shorter(s.connect().connectTimeout(), d.remaining()), c -> {
                Jdbc.selectOne(c);
                return null;
            });
            return OperationResult.success("running (postmaster " + pid.get() + ", " + s.connect().host() + ":"
                    + s.port() + " answered SELECT 1)", since(t0));
        } catch (PgException e) {
            return OperationResult.of(e.kind() == PgException.Kind.AUTHENTICATION ? OcfStatus.ERR_CONFIGURED
                    : OcfStatus.ERR_GENERIC, "postmaster " + pid.get() + " is running but " + e.getMessage(), since(t0));
        }
    }

    // ---------------------------------------------------------------------------------------------- start

    OperationResult start(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Spec s = parse(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Deadline d = Deadline.within(timeout);
        if (!Files.isDirectory(s.dataDir())) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: data-dir " + s.dataDir()
                    + " does not exist (is its filesystem mounted on this node?)", since(t0));
        }
        if (!Files.exists(s.dataDir().resolve("PG_VERSION"))) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: data-dir " + s.dataDir()
                    + " is not a PostgreSQL data directory (no PG_VERSION; run initdb) or not readable by Duplex",
                    since(t0));
        }
        Path pgCtl = s.binDir().resolve("pg_ctl");
        if (!Files.isExecutable(pgCtl)) {
            return OperationResult.of(OcfStatus.ERR_INSTALLED, "cannot start: no executable pg_ctl in bin-dir "
                    + s.binDir() + " (install postgresql-15 or set bin-dir)", since(t0));
        }
        Optional<Long> pid;
        try {
            pid = Postmaster.live(s.dataDir());
            if (pid.isEmpty()) {
                clearStalePid(s, d);
            }
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        String launched = "already running (postmaster " + pid.orElse(-1L) + ")";
        if (pid.isEmpty()) {
            List<String> argv = new ArrayList<>(asOsUser(s.osUser()));
            long secs = Math.max(1, d.remaining().toSeconds() - 1);
            StringBuilder opts = new StringBuilder("-p ").append(s.port());
            s.socketDir().ifPresent(k -> opts.append(" -k ").append(k));
            s.configFile().ifPresent(c -> opts.append(" -c config_file=").append(c));
            argv.addAll(List.of(pgCtl.toString(), "start", "-w", "-t", Long.toString(secs), "-D",
                    s.dataDir().toString(), "-l", s.logFile().toString(), "-o", opts.toString()));
            Exec.Result r;
            try {
                r = Exec.run(argv, Map.of(), d);
            } catch (IOException e) {
                return OperationResult.of(OcfStatus.ERR_INSTALLED, "cannot run " + argv.get(0) + ": " + e.getMessage(),
                        since(t0));
            }
            if (r.timedOut() || r.exit() != 0) {
                String server = serverSays(s, d);
                return OperationResult.of(r.timedOut() ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC,
                        "postgresql in " + s.dataDir() + " did not start" + (r.timedOut() || r.stdout().contains(
                                "did not start in time") ? " within " + seconds(d.budget()) : "")
                                + ": pg_ctl: " + pgCtlMessage(r) + server + logTail(s), since(t0));
            }
            launched = "started by pg_ctl in " + r.elapsed().toMillis() + " ms";
        }
        // pg_ctl -w returns once the server is ready; we need it to accept *our* login
        PgException last = null;
        while (d.remaining().toMillis() >= 50) {
            try {
                Jdbc.with(s.connect(), shorter(s.connect().connectTimeout(), d.remaining()), c -> {
                    Jdbc.selectOne(c);
                    return null;
                });
                LOG.info("postgresql {}: {}, answering SELECT 1 on {}:{}", s.dataDir(), launched, s.connect().host(),
                        s.port());
                return OperationResult.success(launched + ", answering SELECT 1 on " + s.connect().host() + ":"
                        + s.port(), since(t0));
            } catch (PgException e) {
                if (last == null || e.kind() != PgException.Kind.TIMEOUT) {
                    last = e; // a last attempt cut short by the deadline says less than the one before
                }
                if (e.kind() == PgException.Kind.AUTHENTICATION) {
                    return OperationResult.of(OcfStatus.ERR_CONFIGURED, "postgresql in " + s.dataDir() + " "
                            + launched + " but " + e.getMessage(), since(t0));
                }
            }
            Thread.sleep(Math.min(100, Math.max(1, d.remaining().toMillis())));
        }
        return OperationResult.of(OcfStatus.TIMEOUT, "postgresql in " + s.dataDir() + " " + launched
                + " but did not accept connections within " + seconds(d.budget()) + ": "
                + (last == null ? "no attempt fitted in the timeout" : last.getMessage()) + logTail(s), since(t0));
    }

    /**
     * Removes a {@code postmaster.pid} that no live postmaster stands behind (the other node died holding the
     * disk, a SIGKILL): postgres (and pg_rewind's single-user recovery) would take a reused or unreaped pid for a
     * running server and refuse. Call only when {@link Postmaster#live} found none.
     */
    static void clearStalePid(Spec s, Deadline d) throws IOException, InterruptedException {
        Postmaster.PidFile f = Postmaster.pidFile(s.dataDir());
        if (!f.present()) {
            return;
        }
        // a killed postmaster not yet reaped by init: postgres's own check (kill -0) takes it for a
        // live one and refuses to start on the socket lock file that still names it
        while (f.pid() > 0 && Postmaster.zombie(f.pid()) && socketLockNames(s, f.pid())
                && d.remaining().toMillis() > 1000) {
            Thread.sleep(20);
        }
        Files.deleteIfExists(s.dataDir().resolve("postmaster.pid"));
        LOG.warn("postgresql {}: removed stale postmaster.pid (pid {} is not a live postmaster of it)",
                s.dataDir(), f.pid());
    }

    private static String pgCtlMessage(Exec.Result r) {
        if (r.timedOut()) {
            return "killed at the timeout";
        }
        String all = (r.stdout() + "\n" + r.stderr()).lines().map(String::strip)
                .filter(l -> l.startsWith("pg_ctl:") || l.contains("error") || l.contains("FATAL"))
                .map(l -> l.startsWith("pg_ctl: ") ? l.substring(8) : l).reduce((a, b) -> a + "; " + b).orElse("");
        return (all.isEmpty() ? r.firstLine() : all) + " (exit " + r.exit() + ")";
    }

    /** What a connection attempt hears from a server that pg_ctl gave up on ("not accepting connections ..."). */
    private static String serverSays(Spec s, Deadline d) throws InterruptedException {
        Duration left = d.remaining();
        if (left.toMillis() < 100) {
            return "";
        }
        try {
            Jdbc.with(s.connect(), shorter(Duration.ofSeconds(1), left), c -> null);
            return "";
        } catch (PgException e) {
            return "; the server says: " + e.getMessage();
        }
    }

    private static String logTail(Spec s) {
        String t = Postmaster.tail(s.logFile(), 3);
        return t.isEmpty() ? "" : "; log " + s.logFile() + ": " + t;
    }

    // ---------------------------------------------------------------------------------------------- stop

    OperationResult stop(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Spec s = parse(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Deadline d = Deadline.within(timeout);
        if (!Files.isDirectory(s.dataDir())) {
            return OperationResult.success("not running here: data-dir " + s.dataDir() + " does not exist on this node",
                    since(t0));
        }
        Optional<Long> live;
        try {
            live = Postmaster.live(s.dataDir());
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        if (live.isEmpty()) {
            return OperationResult.success("already stopped (no live postmaster for " + s.dataDir() + ")", since(t0));
        }
        long pid = live.get();
        Duration total = d.remaining();
        Duration fast = shorter(s.stopFast().orElse(total.dividedBy(2)), total);
        Duration immediate = s.stopImmediate().orElse(total.dividedBy(4));

        signal(pid, "INT", d);
        if (waitGone(pid, fast)) {
            return stopped(s, "stopped (fast shutdown) in " + since(t0).toMillis() + " ms", t0);
        }
        LOG.warn("postgresql {}: fast shutdown of postmaster {} did not finish within {}; immediate shutdown",
                s.dataDir(), pid, seconds(fast));
        signal(pid, "QUIT", d);
        if (waitGone(pid, shorter(immediate, d.remaining()))) {
            return stopped(s, "stopped by immediate shutdown (no checkpoint: crash recovery at the next start) after"
                    + " fast shutdown did not finish within " + seconds(fast) + "; " + since(t0).toMillis() + " ms",
                    t0);
        }
        LOG.warn("postgresql {}: immediate shutdown of postmaster {} did not finish either; SIGKILL to it and its"
                + " children", s.dataDir(), pid);
        int killed = killTree(pid);
        if (waitGone(pid, d.remaining())) {
            return stopped(s, "killed postmaster " + pid + " and its processes (" + killed + " SIGKILLed) after fast"
                    + " (" + seconds(fast) + ") and immediate shutdown did not finish; " + since(t0).toMillis() + " ms",
                    t0);
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, "postmaster " + pid + " of " + s.dataDir()
                + " is still alive after SIGKILL (stuck in the kernel, uninterruptible I/O?)", since(t0));
    }

    private static OperationResult stopped(Spec s, String reason, long t0) {
        LOG.info("postgresql {}: {}", s.dataDir(), reason);
        return OperationResult.success(reason, since(t0));
    }

    private static void signal(long pid, String sig, Deadline d) throws InterruptedException {
        try {
            Exec.run(List.of("kill", "-s", sig, Long.toString(pid)), Map.of(),
                    Deadline.within(shorter(Duration.ofSeconds(2), d.remaining())));
        } catch (IOException e) {
            LOG.warn("cannot send SIG{} to {}: {}", sig, pid, e.getMessage());
        }
    }

    /** SIGKILL to the postmaster and every process under it (listed before anything dies). */
    private static int killTree(long pid) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return 0;
        }
        return Exec.killTree(root.get());
    }

    private static boolean waitGone(long pid, Duration within) throws InterruptedException {
        long end = System.nanoTime() + Math.max(0, within.toNanos());
        while (true) {
            if (!Postmaster.alive(pid)) {
                return true;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(20, Math.max(1, left / 1_000_000)));
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A {@code .s.PGSQL.PORT.lock} in the socket directory (or Debian's and the default one) names {@code pid}. */
    private static boolean socketLockNames(Spec s, long pid) {
        List<Path> dirs = s.socketDir().map(List::of).orElse(List.of(Path.of("/var/run/postgresql"), Path.of("/tmp")));
        for (Path dir : dirs) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(".s.PGSQL." + s.port() + ".lock"));
                if (!lines.isEmpty() && lines.get(0).strip().equals(Long.toString(pid))) {
                    return true;
                }
            } catch (IOException e) {
                // no such lock file
            }
        }
        return false;
    }

    /** As root, commands run as {@code os-user} through runuser; otherwise as Duplex's own user. */
    static List<String> asOsUser(String osUser) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        String runuser = Files.isExecutable(Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser"
                : Files.isExecutable(Path.of("/sbin/runuser")) ? "/sbin/runuser" : "runuser";
        return List.of(runuser, "-u", osUser, "--");
    }

    private static OperationResult cannotRead(Spec s, IOException e, long t0) {
        return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.dataDir().resolve("postmaster.pid") + ": "
                + e.getClass().getSimpleName() + " " + e.getMessage() + " (Duplex must run as root or as the data"
                + " directory's owner)", since(t0));
    }

    static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String seconds(Duration d) {
        return PgHealthCheck.seconds(d);
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
