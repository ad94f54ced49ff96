package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.duplex.itests.ExamSupport.await;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * A promotable mariadb resource through the distribution (a one-node cluster, issue 16), as an operator configures
 * it: ha:resource-add accepts promotable=true with the agent's replication parameters (semi-sync, hosts) and refuses
 * a bad one naming it, the engine starts the primary through the plug-in's PromotableAgent (the reason names the
 * GTID position and the replication mode), the monitor answers. Replication between two nodes is tested on real
 * servers in the plug-in (MariadbReplicationTest). Needs root and Debian's mariadb-server.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MariadbPromotableIT {

    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    @Inject
    BundleContext bundleContext;

    @Inject
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DuplexContainer.options();
    }

    @Test
    public void aPromotablePrimaryStartsThroughTheEngine() throws Exception {
        assumeTrue("SKIPPED LOUDLY: needs root (the server runs as user mysql)",
                "root".equals(System.getProperty("user.name")));
        assumeTrue("SKIPPED LOUDLY: MariaDB is not installed (" + MARIADBD + ", " + INSTALL_DB + ")",
                Files.isExecutable(MARIADBD) && Files.isExecutable(INSTALL_DB));
        await("ha:plugin-list available (cluster node started)", () -> {
            try {
                return execute("ha:plugin-list").contains("Cluster plug-in set");
            } catch (AssertionError notYet) {
                return false;
            }
        });
        assertThat(execute("ha:plugin-install duplex-plugin-mariadb")).contains("Installed on 1 of 1 nodes");
        await("mariadb agent registered", () -> ExamSupport.services(bundleContext,
                "org.duplex.api.agent.ResourceAgent", "(duplex.agent.type=mariadb)") == 1);

        Path root = Files.createTempDirectory("duplex-mdbp-it");
        Path pwDir = Files.createTempDirectory("duplex-mdbp-it-pw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, "it-secret-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        run("chown", "mysql:mysql", root.toString());
        Path data = root.resolve("data");
        run("runuser", "-u", "mysql", "--", INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data,
                "--skip-test-db", "--auth-root-authentication-method=socket", "--innodb-log-file-size=8M");
        Path sql = root.resolve("accounts.sql");
        // the account of the plug-in's README, "Replication mode"
        Files.writeString(sql, "FLUSH PRIVILEGES;\nCREATE USER 'duplex'@'%' IDENTIFIED BY 'it-secret-pw';\n"
                + "GRANT RELOAD, PROCESS, SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER, REPLICATION SLAVE,"
                + " REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, SLAVE MONITOR, BINLOG MONITOR, BINLOG ADMIN,"
                + " BINLOG REPLAY, READ_ONLY ADMIN, CONNECTION ADMIN ON *.* TO 'duplex'@'%';\n");
        run("sh", "-c", "runuser -u mysql -- " + MARIADBD + " --no-defaults --bootstrap --datadir=" + data
                + " --innodb-log-file-size=8M --log-warnings=0 < " + sql);
        Path cnf = root.resolve("my.cnf");
        Files.writeString(cnf, "[mariadbd]\nbind-address = 127.0.0.1\ninnodb-buffer-pool-size = 16M\n"
                + "innodb-log-file-size = 8M\nskip-name-resolve\nlog-bin = mariadb-bin\nlog-slave-updates\n"
                + "server-id = 1\nbinlog-format = ROW\ngtid-strict-mode = ON\n");
        run("chown", "mysql:mysql", cnf.toString());
        int port = freePort();
        String connect = "port=" + port + " password-file=" + pw;
        try {
            String bad = executeOrError("ha:resource-add dbbad mariadb promotable=true semi-sync=maybe data-dir="
                    + data);
            assertThat(bad).contains("semi-sync: must be on or off, was 'maybe'")
                    .contains("promote-max-lag: required for a promotable mariadb resource");
            execute("ha:resource-add db mariadb promotable=true hosts=node1:127.0.0.1:" + port + " data-dir=" + data
                    + " config-file=" + cnf + " semi-sync=on semi-sync-timeout=2s promote-max-lag=0 " + connect
                    + " monitor-interval=1s");
            execute("ha:group-add dbg resources=db nodes=node1");
            await("the engine started the primary", () -> {
                try {
                    return execute("ha:monitor-check mariadb role=primary " + connect).startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            String[] history = {""};
            await("the start's reason in ha:history", () -> {
                history[0] = execute("ha:history -n 50");
                return history[0].contains("semi-synchronous replication");
            });
            System.out.println(history[0]);
            System.out.println(execute("ha:resource-show db"));
            System.out.println(execute("ha:status"));
            assertThat(history[0]).contains("start done: primary at no transaction yet in GTID domain 0")
                    .contains("semi-synchronous replication, AFTER_SYNC")
                    .doesNotContain("it-secret-pw");
        } finally {
            String pidFile = data.resolve("mariadbd.pid").toString();
            try {
                execute("ha:node-standby node1");
                await("db stopped by the engine", () -> !Files.exists(Path.of(pidFile)));
            } catch (AssertionError e) {
                System.out.println("db not stopped by the engine: " + e.getMessage());
            }
            run("sh", "-c", "p=$(cat " + pidFile + " 2>/dev/null) && kill -KILL $p || true");
            run("rm", "-rf", root.toString(), pwDir.toString());
        }
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

    private String execute(String command) {
        return ExamSupport.admin(sessionFactory, command);
    }

    /** The command's output, or the failure's message when it fails. */
    private String executeOrError(String command) {
        try {
            return execute(command);
        } catch (AssertionError | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
