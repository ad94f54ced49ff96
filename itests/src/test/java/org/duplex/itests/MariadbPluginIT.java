package org.duplex.itests;

import static org.duplex.itests.ExamSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
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
 * The mariadb plug-in in the distribution (a one-node cluster): installed with ha:plugin-install (MariaDB
 * Connector/J comes with it), its agent starts a real MariaDB 10.11 made by mariadb-install-db as resource
 * {@code db1} of group {@code db}, {@code ha:monitor-check mariadb} answers, and a bound monitor
 * ({@code max-transaction-age}) that a real open transaction makes fail restarts the resource with the monitor's
 * reason in ha:history. Needs root (the server runs as the mysql user) and Debian's mariadb-server.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MariadbPluginIT {

    private static final String PLUGIN = "duplex-plugin-mariadb";
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
    public void agentAndMonitorRunARealServerThroughTheEngine() throws Exception {
        assumeTrue("SKIPPED LOUDLY: the mariadb plug-in IT needs root (the server runs as user mysql)",
                "root".equals(System.getProperty("user.name")));
        assumeTrue("SKIPPED LOUDLY: MariaDB is not installed (" + MARIADBD + ", " + INSTALL_DB + "; Debian"
                + " mariadb-server, scripts/install-deps.sh)", Files.isExecutable(MARIADBD)
                && Files.isExecutable(INSTALL_DB));
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
        await("mariadb agent and monitor registered", () -> services("org.duplex.api.agent.ResourceAgent",
                "(duplex.agent.type=mariadb)") == 1 && services("org.duplex.api.monitor.ResourceMonitor",
                "(duplex.monitor.type=mariadb)") == 1);
        assertThat(execute("ha:monitors")).contains("mariadb");

        Path root = Files.createTempDirectory("duplex-mdb-it");
        Path pwDir = Files.createTempDirectory("duplex-mdb-it-pw");
        Path pw = pwDir.resolve("password");
        Files.writeString(pw, "it-secret-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        run("chown", "mysql:mysql", root.toString());
        Path data = root.resolve("data");
        run("runuser", "-u", "mysql", "--", INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data,
                "--skip-test-db", "--auth-root-authentication-method=socket", "--innodb-log-file-size=8M");
        Path sql = root.resolve("accounts.sql");
        Files.writeString(sql, "FLUSH PRIVILEGES;\nCREATE USER 'duplex'@'%' IDENTIFIED BY 'it-secret-pw';\n"
                + "GRANT PROCESS, SLAVE MONITOR ON *.* TO 'duplex'@'%';\nCREATE DATABASE app;\n"
                + "CREATE TABLE app.t (id int PRIMARY KEY) ENGINE=InnoDB;\n");
        run("sh", "-c", "runuser -u mysql -- " + MARIADBD + " --no-defaults --bootstrap --datadir=" + data
                + " --innodb-log-file-size=8M --log-warnings=0 < " + sql);
        Path cnf = root.resolve("my.cnf");
        Files.writeString(cnf, "[mariadbd]\nbind-address = 127.0.0.1\ninnodb-buffer-pool-size = 16M\n"
                + "innodb-log-file-size = 8M\nskip-name-resolve\n");
        int port = freePort();
        String connect = "port=" + port + " password-file=" + pw;
        Process txn = null;
        try {
            assertThat(execute("ha:monitor-check mariadb " + connect))
                    .contains("UNHEALTHY: nothing accepts connections on 127.0.0.1:" + port + " (connection refused)");
            execute("ha:resource-add db1 mariadb data-dir=" + data + " config-file=" + cnf + " " + connect
                    + " monitor-interval=1s");
            execute("ha:group-add db resources=db1 nodes=node1 migration-threshold=5");
            await("the agent started the server", () -> {
                try {
                    return execute("ha:monitor-check mariadb role=primary " + connect).startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            System.out.println(execute("ha:monitor-check mariadb role=primary max-connections-used=90 max-used=99 "
                    + connect));
            System.out.println(execute("ha:resource-show db1"));

            execute("ha:monitor-add dbtxn mariadb on=resource target=db1 interval=1s count=2 max-transaction-age=2s "
                    + connect);
            // a real session that keeps a transaction open: root over the server's socket (unix_socket login)
            txn = new ProcessBuilder("mariadb", "--socket=" + data.resolve("mariadbd.sock"), "-u", "root", "-e",
                    "BEGIN; INSERT INTO app.t VALUES (1); SELECT SLEEP(120); COMMIT;")
                    .redirectErrorStream(true).redirectOutput(root.resolve("client.out").toFile())
                    .directory(new File("/")).start();
            String[] history = {""};
            await("the transaction monitor fails db1 and the engine restarts it", () -> {
                history[0] = execute("ha:history -n 100");
                return history[0].contains("oldest transaction") && history[0].contains("restarted on node1");
            });
            System.out.println(history[0]);
            assertThat(history[0]).containsPattern("monitor failed: monitor dbtxn: oldest transaction [0-9.]+ s"
                    + " \\(connection \\d+, user root, active, limit 2\\.0 s\\)");
            assertThat(txn.waitFor(30, TimeUnit.SECONDS)).as("the restart ended the session").isTrue();
            await("db1 answers again after the restart", () -> {
                try {
                    return execute("ha:monitor-check mariadb max-transaction-age=2s " + connect).startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            System.out.println(execute("ha:status"));
            String pid = Files.readString(data.resolve("mariadbd.pid")).strip();
            System.out.println("mariadbd " + pid + ": " + Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?"));
        } finally {
            if (txn != null) {
                txn.destroyForcibly();
            }
            try {
                execute("ha:monitor-remove dbtxn");
            } catch (AssertionError ignored) {
                // not added
            }
            // the engine stops db1 (nowhere else to run it); a server it did not stop in time is killed
            String pidFile = data.resolve("mariadbd.pid").toString();
            try {
                execute("ha:node-standby node1");
                await("db1 stopped by the engine", () -> !Files.exists(Path.of(pidFile)));
            } catch (AssertionError e) {
                System.out.println("db1 not stopped by the engine: " + e.getMessage());
            }
            run("sh", "-c", "p=$(cat " + pidFile + " 2>/dev/null) && kill -KILL $p || true");
            run("rm", "-rf", root.toString(), pwDir.toString());
        }
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
