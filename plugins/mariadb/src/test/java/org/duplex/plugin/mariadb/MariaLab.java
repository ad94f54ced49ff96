package org.duplex.plugin.mariadb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

import org.mariadb.jdbc.Driver;

/**
 * A real MariaDB 10.11 server for a test: mariadb-install-db into a temporary directory as the {@code mysql} user
 * (as root) or as the current user, then two accounts made with {@code mariadbd --bootstrap}: {@code duplex}, the
 * monitoring login the README asks for (PROCESS, SLAVE MONITOR), with its password in a 0600 file, and {@code app}
 * (every privilege) for the test's own sessions. A defaults file in the directory sets small buffers. Not started:
 * the agent under test starts it ({@link #start} for tests of the monitor). {@link #close} kills whatever runs
 * there (SIGCONT, SIGKILL) and deletes it.
 */
final class MariaLab implements AutoCloseable {

    static final Path MARIADBD = Path.of(MariadbParams.DEFAULT_MARIADBD);
    static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
    static final String PASSWORD = "s3cret-Duplex-pw";
    static final String APP_PASSWORD = "app-pw-7";
    static final boolean ROOT = MariadbControl.isRoot();

    final Path root;
    final Path data;
    final Path config;
    final Path passwordFile;
    final int port;
    private final List<Connection> sessions = new ArrayList<>();

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(MARIADBD) && Files.isExecutable(INSTALL_DB),
                "SKIPPED LOUDLY: MariaDB is not installed (" + MARIADBD + ", " + INSTALL_DB + "; Debian packages"
                        + " mariadb-server and mariadb-client, installed by scripts/install-deps.sh)");
        if (ROOT) {
            assumeTrue(run(List.of("id", "-u", "mysql"), null) == 0,
                    "SKIPPED LOUDLY: there is no 'mysql' OS user to run the server as (Debian mariadb-server adds it)");
        }
    }

    private MariaLab(Path root, Path data, Path config, Path passwordFile, int port) {
        this.root = root;
        this.data = data;
        this.config = config;
        this.passwordFile = passwordFile;
        this.port = port;
    }

    /** mariadb-install-db, the two accounts, and a defaults file with extra [mariadbd] lines. */
    static MariaLab create(String... conf) throws IOException {
        Path root = Files.createTempDirectory("duplex-mdb");
        Path pwDir = Files.createTempDirectory("duplex-mdbpw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        if (ROOT) {
            check(run(List.of("chown", "-R", "mysql:mysql", root.toString()), null), "chown");
        }
        Path data = root.resolve("data");
        check(run(asOs(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data, "--skip-test-db",
                "--auth-root-authentication-method=socket", "--innodb-log-file-size=8M"), null), "mariadb-install-db");
        Path sql = root.resolve("accounts.sql");
        Files.writeString(sql, String.join("\n", "FLUSH PRIVILEGES;",
                "CREATE USER 'duplex'@'%' IDENTIFIED BY '" + PASSWORD + "';",
                "GRANT PROCESS, SLAVE MONITOR ON *.* TO 'duplex'@'%';",
                "CREATE USER 'app'@'%' IDENTIFIED BY '" + APP_PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO 'app'@'%' WITH GRANT OPTION;",
                "CREATE DATABASE app;", ""));
        check(run(asOs(MARIADBD.toString(), "--no-defaults", "--bootstrap", "--datadir=" + data,
                "--innodb-log-file-size=8M", "--log-warnings=0"), sql), "mariadbd --bootstrap");
        Files.delete(sql);
        int port = freePort();
        Path config = root.resolve("my.cnf");
        List<String> lines = new ArrayList<>(List.of("[mariadbd]", "bind-address = 127.0.0.1",
                "innodb-buffer-pool-size = 16M", "innodb-log-file-size = 8M", "max-connections = 20",
                "skip-name-resolve", "performance-schema = OFF"));
        lines.addAll(List.of(conf));
        Files.writeString(config, String.join("\n", lines) + "\n");
        if (ROOT) {
            check(run(List.of("chown", "mysql:mysql", config.toString()), null), "chown");
        }
        return new MariaLab(root, data, config, pw, port);
    }

    /** A directory, password file and defaults file but no data directory: a copy that follow seeds. */
    static MariaLab empty(String... conf) throws IOException {
        Path root = Files.createTempDirectory("duplex-mdb");
        Path pwDir = Files.createTempDirectory("duplex-mdbpw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Path config = root.resolve("my.cnf");
        List<String> lines = new ArrayList<>(List.of("[mariadbd]", "bind-address = 127.0.0.1",
                "innodb-buffer-pool-size = 16M", "innodb-log-file-size = 8M", "max-connections = 20",
                "skip-name-resolve", "performance-schema = OFF"));
        lines.addAll(List.of(conf));
        Files.writeString(config, String.join("\n", lines) + "\n");
        if (ROOT) {
            check(run(List.of("chown", "-R", "mysql:mysql", root.toString()), null), "chown");
        }
        return new MariaLab(root, root.resolve("data"), config, pw, freePort());
    }

    /** The agent's parameters for this server. */
    Map<String, String> params() {
        Map<String, String> p = new HashMap<>();
        p.put("data-dir", data.toString());
        p.put("config-file", config.toString());
        p.put("port", Integer.toString(port));
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
        var r = new MariadbControl().start(params(), Duration.ofSeconds(30));
        if (!r.isSuccess()) {
            throw new IllegalStateException("test server did not start: " + r.reason());
        }
    }

    /** A session of the test's own as {@code app} (closed at {@link #close}). */
    Connection session() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", APP_PASSWORD);
        p.setProperty("connectTimeout", "5000");
        p.setProperty("socketTimeout", "30000");
        p.setProperty("sslMode", "disable");
        Connection c = new Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
        sessions.add(c);
        return c;
    }

    long serverPid() throws IOException {
        return Mariadbd.pidFromFile(data.resolve("mariadbd.pid"));
    }

    static int signal(String sig, long pid) {
        return run(List.of("kill", "-s", sig, Long.toString(pid)), null);
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
        long pid = serverPid();
        if (pid > 0 && Mariadbd.isServerOf(pid, data)) {
            signal("CONT", pid);
            signal("KILL", pid);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Mariadbd.alive(pid) && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
        run(List.of("rm", "-rf", root.toString(), passwordFile.getParent().toString()), null);
    }

    static List<String> asOs(String... argv) {
        List<String> a = new ArrayList<>();
        if (ROOT) {
            a.addAll(List.of("runuser", "-u", "mysql", "--"));
        }
        a.addAll(List.of(argv));
        return a;
    }

    /** Runs a command (stdin from {@code input} when given) within 60 s; its exit code. */
    static int run(List<String> argv, Path input) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).directory(new java.io.File("/"));
            pb.redirectInput(input == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.from(input.toFile()));
            Path outFile = Files.createTempFile("duplex-mdblab", ".out");
            pb.redirectOutput(outFile.toFile());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Files.deleteIfExists(outFile);
                return -1;
            }
            byte[] out = Files.readAllBytes(outFile);
            Files.deleteIfExists(outFile);
            if (p.exitValue() != 0) {
                System.err.println("[MariaLab] " + argv + " exit " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8));
            }
            return p.exitValue();
        } catch (IOException e) {
            System.err.println("[MariaLab] " + argv + ": " + e);
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

    /** Adds a line to the [mariadbd] section of the defaults file (before the server starts). */
    void conf(String line) throws IOException {
        Files.writeString(config, line + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
}
