package org.duplex.plugin.postgresql;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Exec;
import org.postgresql.Driver;

/**
 * A real PostgreSQL 15 server for a test: initdb into a temporary directory as the {@code postgres} user (as
 * root) or as the current user, on a free port with its socket in that directory, superuser password from a
 * 0600 file, scram-sha-256 over TCP. Not started: the agent under test starts it ({@link #start} for tests of the
 * monitor). {@link #close} stops whatever runs there (SIGCONT first, then immediate, then SIGKILL) and deletes it.
 */
final class PgLab implements AutoCloseable {

    static final Path BIN = Path.of(PgParams.DEFAULT_BIN_DIR);
    static final String PASSWORD = "s3cret-Duplex-pw";
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    final Path root;
    final Path data;
    final Path passwordFile;
    final int port;
    private final List<Connection> sessions = new ArrayList<>();

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl")),
                "SKIPPED LOUDLY: PostgreSQL 15 is not installed (" + BIN + "/initdb, pg_ctl; Debian package"
                        + " postgresql-15, installed by scripts/install-deps.sh)");
        if (ROOT) {
            assumeTrue(run(List.of("id", "-u", "postgres"), Map.of()) == 0,
                    "SKIPPED LOUDLY: there is no 'postgres' OS user to run the server as (Debian postgresql-15 adds it)");
        }
    }

    private PgLab(Path root, Path data, Path passwordFile, int port) {
        this.root = root;
        this.data = data;
        this.passwordFile = passwordFile;
        this.port = port;
    }

    /** initdb with extra postgresql.conf lines. */
    static PgLab create(String... conf) throws IOException {
        Path root = Files.createTempDirectory("duplex-pg");
        Path pwDir = Files.createTempDirectory("duplex-pgpw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Path initPw = root.resolve("initdb.pw");
        Files.writeString(initPw, PASSWORD + "\n");
        if (ROOT) {
            check(run(List.of("chown", "-R", "postgres:postgres", root.toString()), Map.of()), "chown");
        }
        Path data = root.resolve("data");
        check(run(asOs(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--no-sync",
                "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + initPw), Map.of()),
                "initdb");
        Files.delete(initPw);
        int port = freePort();
        List<String> lines = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + port,
                "unix_socket_directories = '" + root + "'", "shared_buffers = 16MB", "max_connections = 20",
                "fsync = off", "max_wal_senders = 4", "wal_level = replica"));
        lines.addAll(List.of(conf));
        Files.writeString(data.resolve("postgresql.conf"), "\n" + String.join("\n", lines) + "\n",
                StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 scram-sha-256\n",
                StandardOpenOption.APPEND);
        return new PgLab(root, data, pw, port);
    }

    /** The agent's parameters for this server. */
    Map<String, String> params() {
        Map<String, String> p = new HashMap<>();
        p.put("data-dir", data.toString());
        p.put("port", Integer.toString(port));
        p.put("socket-dir", root.toString());
        p.put("password-file", passwordFile.toString());
        return p;
    }

    /** The monitor's connection parameters for this server. */
    Map<String, String> connect() {
        Map<String, String> p = new HashMap<>();
        p.put("port", Integer.toString(port));
        p.put("password-file", passwordFile.toString());
        return p;
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> p = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    void start() throws InterruptedException {
        var r = new PgControl().start(params(), Duration.ofSeconds(30));
        if (!r.isSuccess()) {
            throw new IllegalStateException("test server did not start: " + r.reason());
        }
    }

    /** A session of the test's own (closed at {@link #close}). */
    Connection session() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        Connection c = new Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
        sessions.add(c);
        return c;
    }

    long postmasterPid() throws IOException {
        return Postmaster.pidFile(data).pid();
    }

    static int signal(String sig, long pid) {
        return run(List.of("kill", "-s", sig, Long.toString(pid)), Map.of());
    }

    @Override
    public void close() throws IOException {
        for (Connection c : sessions) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // the server may be gone
            }
        }
        Postmaster.PidFile f = Postmaster.pidFile(data);
        if (f.present() && f.pid() > 0 && Postmaster.alive(f.pid())) {
            ProcessHandle.of(f.pid()).ifPresent(h -> h.descendants().forEach(d -> signal("CONT", d.pid())));
            signal("CONT", f.pid());
            signal("QUIT", f.pid());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Postmaster.alive(f.pid()) && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            ProcessHandle.of(f.pid()).ifPresent(h -> Exec.killTree(h));
        }
        run(List.of("rm", "-rf", root.toString(), passwordFile.getParent().toString()), Map.of());
    }

    static List<String> asOs(String... argv) {
        List<String> a = new ArrayList<>(PgControl.asOsUser("postgres"));
        a.addAll(List.of(argv));
        return a;
    }

    static int run(List<String> argv, Map<String, String> env) {
        try {
            Exec.Result r = Exec.run(argv, env, Deadline.within(Duration.ofSeconds(60)));
            if (r.exit() != 0) {
                System.err.println("[PgLab] " + argv + " exit " + r.exit() + ": " + r.stdout() + r.stderr());
            }
            return r.exit();
        } catch (IOException e) {
            System.err.println("[PgLab] " + argv + ": " + e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void check(int exit, String what) throws IOException {
        if (exit != 0) {
            throw new IOException(what + " failed (exit " + exit + ")");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** SIGKILL to the postmaster and every process under it: a crash, as when the node dies. */
    void crash() throws IOException {
        Postmaster.PidFile f = Postmaster.pidFile(data);
        if (f.present() && f.pid() > 0) {
            ProcessHandle.of(f.pid()).ifPresent(Exec::killTree);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Postmaster.alive(f.pid()) && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }

    /** "nodeN:127.0.0.1:PORT", an item of the agent's {@code hosts} parameter. */
    String hostItem(String node) {
        return node + ":127.0.0.1:" + port;
    }

    /** Adds a line to the configuration (before the server starts). */
    void conf(String line) throws IOException {
        Files.writeString(data.resolve("postgresql.conf"), line + "\n", StandardOpenOption.APPEND);
    }

    /**
     * An empty data directory (mode 0700, owned by the server's OS user) and a free port, for restoring a base backup
     * into; {@link #conf} then points the restored configuration at this port and socket.
     */
    static PgLab empty() throws IOException {
        Path root = Files.createTempDirectory("duplex-pg");
        Path pwDir = Files.createTempDirectory("duplex-pgpw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Path data = Files.createDirectory(root.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        if (ROOT) {
            check(run(List.of("chown", "-R", "postgres:postgres", root.toString()), Map.of()), "chown");
        }
        return new PgLab(root, data, pw, freePort());
    }

    /** Makes this data directory a standby of {@code primary} with pg_basebackup -R (primary running). */
    static PgLab standbyOf(PgLab primary) throws IOException {
        Path root = Files.createTempDirectory("duplex-pg");
        Path pwDir = Files.createTempDirectory("duplex-pgpw");
        Path pw = pwDir.resolve("password");
        Files.copy(primary.passwordFile, pw);
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        if (ROOT) {
            check(run(List.of("chown", "-R", "postgres:postgres", root.toString()), Map.of()), "chown");
        }
        Path data = root.resolve("data");
        check(run(asOs(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(primary.port), "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream",
                "--no-sync"), Map.of("PGPASSWORD", PASSWORD)), "pg_basebackup");
        int port = freePort();
        Files.writeString(data.resolve("postgresql.conf"), "\nport = " + port + "\nunix_socket_directories = '" + root
                + "'\nhot_standby = on\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return new PgLab(root, data, pw, port);
    }
}
