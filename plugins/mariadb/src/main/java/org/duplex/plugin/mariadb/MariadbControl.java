package org.duplex.plugin.mariadb;

import org.duplex.plugin.support.Deadline;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start, stop and monitor of one MariaDB server (the {@code mariadb} resource agent), shared-storage mode: one
 * instance whose data directory lives on a filesystem resource of the same group.
 *
 * <ul>
 * <li><b>start</b>: {@code mariadbd} itself (no mysqld_safe: restarting is the cluster's job) as the data
 * directory's owner, in a session of its own, with {@code --datadir --socket --port --pid-file --log-error}; then
 * connect + {@code SELECT 1} until it answers or the timeout. A server that exits while starting is reported with
 * the [ERROR] lines it logged.</li>
 * <li><b>stop</b>: SIGTERM (a normal shutdown, as {@code SHUTDOWN} does) for {@code stop-graceful} (default three
 * quarters of the stop timeout), then SIGKILL (InnoDB crash recovery at the next start).</li>
 * <li><b>monitor</b>: the data directory absent (its filesystem is mounted on another node) or no live mariadbd is
 * NOT_RUNNING; a live one must answer connect + {@code SELECT 1} within {@code connect-timeout}.</li>
 * </ul>
 * Every external call (the launch, signals, JDBC) is bounded by the operation's timeout.
 */
final class MariadbControl {

    static final String TYPE = "mariadb";

    static final Set<String> KEYS = Set.of("data-dir", "mariadbd", "config-file", "port", "bind-address", "host",
            "socket", "pid-file", "log-file", "user", "password-file", "connect-timeout", "tls", "stop-graceful",
            // replication mode (MariadbReplication); promotable, promote-max-lag and promote-force are the engine's
            "promotable", "promote-max-lag", "promote-force", "hosts", "semi-sync", "semi-sync-timeout");

    private static final Logger LOG = LoggerFactory.getLogger(MariadbControl.class);
    /** sun_path of a Unix socket holds 107 bytes and a NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    record Spec(Path dataDir, Path mariadbd, Optional<Path> configFile, int port, Optional<String> bindAddress,
                Path socket, Path pidFile, Path logFile, MariadbParams.Connect connect,
                Optional<Duration> stopGraceful) {
    }

    static Spec parse(Map<String, String> params, List<String> problems) {
        MariadbParams p = new MariadbParams(params, KEYS);
        Path data = p.absolutePath("data-dir", true, null);
        Path bin = p.absolutePath("mariadbd", false, MariadbParams.DEFAULT_MARIADBD);
        Path config = p.absolutePath("config-file", false, null);
        String bind = p.host("bind-address", null);
        Path socket = p.absolutePath("socket", false, null);
        Path pid = p.absolutePath("pid-file", false, null);
        Path log = p.absolutePath("log-file", false, null);
        MariadbParams.Connect connect = MariadbParams.connect(p);
        Optional<Duration> graceful = p.duration("stop-graceful");
        if (data != null && data.getNameCount() == 0) {
            p.problems().add("data-dir: must not be /");
        }
        Path sock = socket != null ? socket : data != null ? data.resolve("mariadbd.sock") : null;
        if (sock != null && sock.toString().getBytes(StandardCharsets.UTF_8).length
                > MAX_SOCKET_PATH) {
            p.problems().add("socket: " + sock + " is longer than the 107 bytes a Unix socket path may have"
                    + (socket == null ? " (set socket to a shorter path)" : ""));
        }
        problems.addAll(p.problems());
        if (!problems.isEmpty()) {
            return null;
        }
        return new Spec(data, bin, Optional.ofNullable(config), connect.port(), Optional.ofNullable(bind), sock,
                pid != null ? pid : data.resolve("mariadbd.pid"), log != null ? log : data.resolve("duplex-mariadb.err"),
                connect, graceful);
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
            pid = Mariadbd.live(s.pidFile(), s.dataDir());
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        if (pid.isEmpty()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, "stopped: no live mariadbd for " + s.dataDir(), since(t0));
        }
        try {
            Jdbc.with(s.connect(), shorter(s.connect().connectTimeout(), d.remaining()), c -> {
                Jdbc.selectOne(c);
                return null;
            });
            return OperationResult.success("running (mariadbd " + pid.get() + ", " + s.connect().where()
                    + " answered SELECT 1)", since(t0));
        } catch (DbException e) {
            return OperationResult.of(e.kind() == DbException.Kind.AUTHENTICATION ? OcfStatus.ERR_CONFIGURED
                    : OcfStatus.ERR_GENERIC, "mariadbd " + pid.get() + " is running but " + e.getMessage(), since(t0));
        }
    }

    // ---------------------------------------------------------------------------------------------- start

    OperationResult start(Map<String, String> params, Duration timeout) throws InterruptedException {
        return start(params, timeout, List.of());
    }

    /** Start with extra server options after the agent's own ({@code --skip-slave-start}, {@code --read-only}). */
    OperationResult start(Map<String, String> params, Duration timeout, List<String> extra)
            throws InterruptedException {
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
        if (!Files.isDirectory(s.dataDir().resolve("mysql"))) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: data-dir " + s.dataDir()
                    + " is not a MariaDB data directory (no mysql/ system database: run mariadb-install-db) or not"
                    + " readable by Duplex", since(t0));
        }
        if (!Files.isExecutable(s.mariadbd())) {
            return OperationResult.of(OcfStatus.ERR_INSTALLED, "cannot start: " + s.mariadbd()
                    + " is not an executable file (install mariadb-server or set mariadbd)", since(t0));
        }
        if (s.configFile().isPresent() && !Files.isReadable(s.configFile().get())) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: config-file " + s.configFile().get()
                    + " does not exist or is not readable", since(t0));
        }
        for (var f : List.of(Map.entry("log-file", s.logFile()), Map.entry("pid-file", s.pidFile()),
                Map.entry("socket", s.socket()))) {
            if (!Files.isDirectory(f.getValue().getParent())) {
                return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: the directory of " + f.getKey() + " "
                        + f.getValue() + " does not exist", since(t0));
            }
        }
        PosixFileAttributes owner;
        try {
            owner = Files.getFileAttributeView(s.dataDir(), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot start: cannot read the owner of " + s.dataDir()
                    + ": " + e.getMessage(), since(t0));
        }
        boolean root = isRoot();
        if (root && owner.owner().getName().equals("root")) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot start: data-dir " + s.dataDir() + " is owned"
                    + " by root; mariadbd runs as the data directory's owner and not as root (chown -R mysql:mysql "
                    + s.dataDir() + ")", since(t0));
        }
        if (!root && !owner.owner().getName().equals(System.getProperty("user.name"))) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot start: data-dir " + s.dataDir() + " is owned by "
                    + owner.owner().getName() + "; Duplex runs as " + System.getProperty("user.name")
                    + " and can start mariadbd only as itself (run Duplex as root)", since(t0));
        }
        Optional<Long> live;
        try {
            live = Mariadbd.live(s.pidFile(), s.dataDir());
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        long logFrom = Mariadbd.size(s.logFile());
        Process launched = null;
        String how;
        long pid;
        if (live.isPresent()) {
            pid = live.get();
            how = "already running (mariadbd " + pid + ")";
        } else {
            List<String> argv = new ArrayList<>(command(s, root ? Optional.of(owner.owner().getName())
                    : Optional.empty()));
            argv.addAll(extra);
            try {
                prepareLog(s.logFile(), root ? owner.owner() : null, root ? owner.group() : null);
                launched = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(s.logFile().toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .directory(new File("/")).start();
            } catch (IOException e) {
                return OperationResult.of(OcfStatus.ERR_INSTALLED, "cannot run " + String.join(" ", argv) + ": "
                        + e.getMessage(), since(t0));
            }
            pid = launched.pid();
            how = "started (mariadbd " + pid + ")";
            LOG.info("mariadb {}: launched mariadbd {} as {}", s.dataDir(), pid, owner.owner().getName());
        }
        DbException last = null;
        while (d.remaining().toMillis() >= 50) {
            if (launched != null ? !launched.isAlive() : !Mariadbd.alive(pid)) {
                String exit = launched != null ? " with exit code " + launched.exitValue() : "";
                return OperationResult.of(OcfStatus.ERR_GENERIC, "mariadb in " + s.dataDir() + ": mariadbd " + pid
                        + " exited" + exit + " while starting" + logSays(s, logFrom), since(t0));
            }
            Duration attempt = shorter(s.connect().connectTimeout(), d.remaining());
            try {
                Jdbc.with(s.connect(), attempt, c -> {
                    Jdbc.selectOne(c);
                    return null;
                });
                String reason = how + " in " + since(t0).toMillis() + " ms, answering SELECT 1 on "
                        + s.connect().where();
                LOG.info("mariadb {}: {}", s.dataDir(), reason);
                return OperationResult.success(reason, since(t0));
            } catch (DbException e) {
                if (last == null || e.kind() != DbException.Kind.TIMEOUT
                        || attempt.compareTo(s.connect().connectTimeout()) >= 0) {
                    last = e; // the latest answer, unless it is a last attempt that the deadline cut short
                }
                if (e.kind() == DbException.Kind.AUTHENTICATION) {
                    return OperationResult.of(OcfStatus.ERR_CONFIGURED, "mariadb in " + s.dataDir() + " " + how
                            + " but " + e.getMessage(), since(t0));
                }
            }
            Thread.sleep(Math.min(100, Math.max(1, d.remaining().toMillis())));
        }
        return OperationResult.of(OcfStatus.TIMEOUT, "mariadb in " + s.dataDir() + " " + how
                + " but did not answer SELECT 1 within " + seconds(d.budget()) + " (still starting, crash recovery or"
                + " an init-file that does not finish?): " + (last == null ? "no attempt fitted in the timeout"
                        : last.getMessage()) + logSays(s, logFrom), since(t0));
    }

    /** The server's command line; as root, run as {@code osUser} with setpriv (no fork: the pid is mariadbd's). */
    static List<String> command(Spec s, Optional<String> osUser) {
        List<String> argv = new ArrayList<>();
        // a session of its own: a signal to Duplex's process group (Ctrl-C on bin/karaf) must not reach the server
        argv.add(tool("setsid"));
        osUser.ifPresent(u -> argv.addAll(List.of(tool("setpriv"), "--reuid=" + u, "--regid=" + u, "--init-groups",
                "--")));
        argv.add(s.mariadbd().toString());
        argv.add(s.configFile().map(f -> "--defaults-file=" + f).orElse("--no-defaults"));
        argv.addAll(List.of("--datadir=" + s.dataDir(), "--socket=" + s.socket(), "--port=" + s.port(),
                "--pid-file=" + s.pidFile(), "--log-error=" + s.logFile()));
        s.bindAddress().ifPresent(b -> argv.add("--bind-address=" + b));
        return argv;
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    /** The error log must exist and belong to the server's user before Duplex opens it for the server's output. */
    private static void prepareLog(Path log, UserPrincipal user, GroupPrincipal group) throws IOException {
        if (!Files.exists(log)) {
            Files.createFile(log);
            if (user != null) {
                PosixFileAttributeView v = Files.getFileAttributeView(log, PosixFileAttributeView.class);
                v.setOwner(user);
                v.setGroup(group);
            }
        }
    }

    private static String logSays(Spec s, long from) {
        String t = Mariadbd.errorsSince(s.logFile(), from);
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
            live = Mariadbd.live(s.pidFile(), s.dataDir());
        } catch (IOException e) {
            return cannotRead(s, e, t0);
        }
        if (live.isEmpty()) {
            return OperationResult.success("already stopped (no live mariadbd for " + s.dataDir() + ")", since(t0));
        }
        long pid = live.get();
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return OperationResult.success("stopped (mariadbd " + pid + " had just exited)", since(t0));
        }
        Duration total = d.remaining();
        Duration graceful = shorter(s.stopGraceful().orElse(total.multipliedBy(3).dividedBy(4)), total);
        h.get().destroy(); // SIGTERM: mariadbd's normal shutdown
        if (waitGone(pid, graceful)) {
            return stopped(s, "stopped (normal shutdown) in " + since(t0).toMillis() + " ms", t0);
        }
        LOG.warn("mariadb {}: mariadbd {} did not shut down within {} of SIGTERM; SIGKILL", s.dataDir(), pid,
                seconds(graceful));
        h.get().destroyForcibly();
        if (waitGone(pid, d.remaining())) {
            return stopped(s, "killed mariadbd " + pid + " (SIGKILL: InnoDB crash recovery at the next start) after"
                    + " normal shutdown did not finish within " + seconds(graceful) + "; " + since(t0).toMillis()
                    + " ms", t0);
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, "mariadbd " + pid + " of " + s.dataDir()
                + " is still alive after SIGKILL (stuck in the kernel, uninterruptible I/O?)", since(t0));
    }

    private static OperationResult stopped(Spec s, String reason, long t0) {
        LOG.info("mariadb {}: {}", s.dataDir(), reason);
        return OperationResult.success(reason, since(t0));
    }

    private static boolean waitGone(long pid, Duration within) throws InterruptedException {
        long end = System.nanoTime() + Math.max(0, within.toNanos());
        while (true) {
            if (!Mariadbd.alive(pid)) {
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

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static OperationResult cannotRead(Spec s, IOException e, long t0) {
        return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.pidFile() + ": " + e.getClass().getSimpleName()
                + " " + e.getMessage() + " (Duplex must run as root or as the data directory's owner)", since(t0));
    }

    static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
