package org.duplex.itests;

import static org.duplex.itests.ExamSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The postgresql plug-in in the distribution (a one-node cluster): installed with ha:plugin-install (the JDBC
 * driver bundle comes with it), its agent starts a real PostgreSQL 15 made by initdb as resource {@code pg} of
 * group {@code db}, {@code ha:monitor-check postgresql} answers, and a bound monitor
 * ({@code max-transaction-age}) that a real open transaction makes fail restarts the resource with the monitor's
 * reason in ha:history. Needs root (the server runs as the postgres user) and Debian's postgresql-15.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresqlPluginIT {

    private static final String PLUGIN = "duplex-plugin-postgresql";
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    @Inject
    BundleContext bundleContext;

    @Inject
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DuplexContainer.options();
    }

    @Test
    public void agentAndMonitorRunARealServerThroughTheEngine() throws Exception {
        assumeTrue("SKIPPED LOUDLY: the postgresql plug-in IT needs root (the server runs as user postgres)",
                "root".equals(System.getProperty("user.name")));
        assumeTrue("SKIPPED LOUDLY: PostgreSQL 15 is not installed (" + BIN + "; Debian postgresql-15, "
                + "scripts/install-deps.sh)", Files.isExecutable(BIN.resolve("initdb")));
        await("ha:plugin-list available (cluster node started)", () -> {
            try {
                return execute("ha:plugin-list").contains("Cluster plug-in set");
            } catch (AssertionError notYet) {
                return false;
            }
        });
        String installed = execute("ha:plugin-install " + PLUGIN);
        System.out.println(installed);
        assertThat(installed).contains("Installed on 1 of 1 nodes");
        await("postgresql agent and monitor registered", () -> services("org.duplex.api.agent.ResourceAgent",
                "(duplex.agent.type=postgresql)") == 1 && services("org.duplex.api.monitor.ResourceMonitor",
                "(duplex.monitor.type=postgresql)") == 1);
        assertThat(execute("ha:monitors")).contains("postgresql");

        Path root = Files.createTempDirectory("duplex-pg-it");
        Path pwDir = Files.createTempDirectory("duplex-pg-it-pw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, "it-secret-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("initdb.pw"), "it-secret-pw\n");
        run("chown", "-R", "postgres:postgres", root.toString());
        Path data = root.resolve("data");
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", data.toString(), "-U",
                "postgres", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256",
                "--pwfile=" + root.resolve("initdb.pw"));
        int port = freePort();
        Files.writeString(data.resolve("postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nshared_buffers = 16MB\n"
                + "max_connections = 20\nfsync = off\n", StandardOpenOption.APPEND);
        String connect = "port=" + port + " password-file=" + pw;
        Process txn = null;
        try {
            assertThat(execute("ha:monitor-check postgresql " + connect))
                    .contains("UNHEALTHY: nothing accepts connections on 127.0.0.1:" + port + " (connection refused)");
            execute("ha:resource-add pg postgresql data-dir=" + data + " socket-dir=" + root + " " + connect
                    + " monitor-interval=1s");
            execute("ha:group-add db resources=pg nodes=node1 migration-threshold=5");
            await("the agent started the server", () -> {
                try {
                    return execute("ha:monitor-check postgresql role=primary " + connect).startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            System.out.println(execute("ha:monitor-check postgresql role=primary max-connections-used=90 max-used=99 "
                    + connect));
            System.out.println(execute("ha:resource-show pg"));

            execute("ha:monitor-add pgtxn postgresql on=resource target=pg interval=1s count=2 max-transaction-age=2s "
                    + connect);
            // a real session that keeps a transaction open (local socket, trust)
            txn = new ProcessBuilder("runuser", "-u", "postgres", "--", BIN.resolve("psql").toString(), "-h",
                    root.toString(), "-p", Integer.toString(port), "-d", "postgres", "-c",
                    "BEGIN; SELECT txid_current(); SELECT pg_sleep(120); COMMIT;")
                    .redirectErrorStream(true).redirectOutput(root.resolve("psql.out").toFile())
                    .directory(new File("/")).start();
            String[] history = {""};
            await("the transaction monitor fails pg and the engine restarts it", () -> {
                history[0] = execute("ha:history -n 100");
                return history[0].contains("oldest transaction") && history[0].contains("restarted on node1");
            });
            System.out.println(history[0]);
            assertThat(history[0]).containsPattern("monitor failed: monitor pgtxn: oldest transaction [0-9.]+ s \\(pid \\d+, user"
                    + " postgres, active, limit 2\\.0 s\\)");
            assertThat(txn.waitFor(30, TimeUnit.SECONDS)).as("the restart ended the session").isTrue();
            await("pg answers again after the restart", () -> {
                try {
                    return execute("ha:monitor-check postgresql max-transaction-age=2s " + connect)
                            .startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            System.out.println(execute("ha:status"));

            backupRestoredIntoAFreshServer(root, connect, port);
        } finally {
            if (txn != null) {
                txn.destroyForcibly();
            }
            try {
                execute("ha:monitor-remove pgtxn");
            } catch (AssertionError ignored) {
                // not added
            }
            run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "stop", "-m", "immediate",
                    "-D", data.toString());
            run("rm", "-rf", root.toString(), pwDir.toString());
        }
    }

    /**
     * The backup plug-in dumps pg's database through the plug-in's backup source into a restic repository
     * ({@code ha:backup-run}), and {@code ha:backup-restore --into-database --set ...} restores that snapshot into a
     * second, fresh server, which is then queried.
     */
    private void backupRestoredIntoAFreshServer(Path root, String connect, int port) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/restic"))) {
            System.out.println("SKIPPED LOUDLY: the database backup part needs restic (Debian restic, "
                    + "scripts/install-deps.sh)");
            return;
        }
        assertThat(execute("ha:plugin-install duplex-plugin-backup")).contains("Installed on 1 of 1 nodes");
        await("the backup agent and postgresql's backup source registered", () ->
                services("org.duplex.api.agent.ResourceAgent", "(duplex.agent.type=backup)") == 1
                        && services("org.duplex.api.backup.BackupSource", "(resource.type=postgresql)") == 1);
        psql(root, port, "postgres", "CREATE DATABASE app");
        psql(root, port, "app", "CREATE TABLE orders (id int PRIMARY KEY, amount bigint NOT NULL); "
                + "INSERT INTO orders SELECT g, g * 3 FROM generate_series(1, 5000) g");
        Path repoPw = root.resolve("repo.pw");
        Files.writeString(repoPw, "restic-it-pw\n");
        Files.setPosixFilePermissions(repoPw, PosixFilePermissions.fromString("rw-------"));
        Path repo = root.resolve("repo");
        execute("ha:resource-add pgdump backup database=pg database-name=app repository=" + repo
                + " password-file=" + repoPw + " \"schedule=0 3 * * *\" init=true");
        execute("ha:group-add dbbackup resources=pgdump nodes=node1");
        // today's 03:00 slot was missed by less than a day: the job catches it up as soon as it is enabled
        await("the job enabled on node1 ran the missed slot", () -> {
            try {
                return execute("ha:backup-snapshots pgdump").contains("/postgresql-app.dump");
            } catch (AssertionError notYet) {
                return false; // the repository is created by the job's first run
            }
        });
        String run = execute("ha:backup-run pgdump");
        System.out.println(run);
        assertThat(run).contains("backup of pgdump done: snapshot");
        String snaps = execute("ha:backup-snapshots pgdump");
        System.out.println(snaps);
        assertThat(snaps).contains("/postgresql-app.dump");

        // a fresh server, restored into by the operator's command, then queried
        Path fresh = root.resolve("fresh");
        run("install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700", fresh.toString());
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", fresh.resolve("data").toString(),
                "-U", "postgres", "--no-sync", "--auth-local=trust");
        int port2 = freePort();
        Files.writeString(fresh.resolve("data/postgresql.conf"), "\nlisten_addresses = ''\nport = " + port2
                + "\nunix_socket_directories = '" + fresh + "'\nfsync = off\n", StandardOpenOption.APPEND);
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "start", "-w", "-t", "30", "-D",
                fresh.resolve("data").toString(), "-l", fresh.resolve("log").toString());
        try {
            String restored = execute("ha:backup-restore --into-database --set port=" + port2 + " --set socket-dir="
                    + fresh + " --set data-dir=" + fresh.resolve("data") + " pgdump latest");
            System.out.println(restored);
            assertThat(restored).contains("restored snapshot").contains("pg_restore of app into " + fresh);
            assertThat(psql(fresh, port2, "app", "SELECT count(*), sum(amount) FROM orders").strip())
                    .isEqualTo("5000|37507500");
        } finally {
            run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "stop", "-m", "immediate",
                    "-D", fresh.resolve("data").toString());
        }
    }

    private static String psql(Path socketDir, int port, String db, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("runuser", "-u", "postgres", "--", BIN.resolve("psql").toString(), "-h",
                socketDir.toString(), "-p", Integer.toString(port), "-d", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql)
                .redirectErrorStream(true).directory(new File("/")).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("psql timed out: " + sql);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("psql " + sql + ": " + out).isZero();
        return out;
    }

    private int services(String clazz, String filter) {
        return ExamSupport.services(bundleContext, clazz, filter);
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).directory(new File("/")).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(List.of(argv) + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            System.out.println(new ArrayList<>(List.of(argv)) + " exit " + p.exitValue() + ": " + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** As a JAAS-logged-in admin: the ha command ACL refuses a shell session without a login. */
    private String execute(String command) {
        return ExamSupport.admin(sessionFactory, command);
    }

}
