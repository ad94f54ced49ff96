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
import java.nio.file.StandardOpenOption;
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
 * A promotable postgresql resource through the distribution (a one-node cluster, issue 16): ha:resource-add
 * accepts promotable=true with its replication parameters, the engine starts the primary through the plug-in's
 * PromotableAgent (the result labels the asynchronous mode), and a bad engine parameter is refused naming it.
 * Replication between two nodes is the two-node lab IT still to build; the agent's replication is tested on real
 * servers in the plug-in (PgReplicationTest). Needs root and Debian's postgresql-15.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresqlPromotableIT {

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
    public void aPromotablePrimaryStartsThroughTheEngine() throws Exception {
        assumeTrue("SKIPPED LOUDLY: needs root (the server runs as user postgres)",
                "root".equals(System.getProperty("user.name")));
        assumeTrue("SKIPPED LOUDLY: PostgreSQL 15 is not installed (" + BIN + ")",
                Files.isExecutable(BIN.resolve("initdb")));
        await("ha:plugin-list available (cluster node started)", () -> {
            try {
                return execute("ha:plugin-list").contains("Cluster plug-in set");
            } catch (AssertionError notYet) {
                return false;
            }
        });
        assertThat(execute("ha:plugin-install duplex-plugin-postgresql")).contains("Installed on 1 of 1 nodes");
        await("postgresql agent registered", () -> ExamSupport.services(bundleContext,
                "org.duplex.api.agent.ResourceAgent", "(duplex.agent.type=postgresql)") == 1);

        Path root = Files.createTempDirectory("duplex-pgp-it");
        Path pwDir = Files.createTempDirectory("duplex-pgp-it-pw");
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
                + "max_connections = 20\nfsync = off\nwal_log_hints = on\nwal_keep_size = 128MB\n",
                StandardOpenOption.APPEND);
        String connect = "port=" + port + " password-file=" + pw;
        try {
            String bad = executeOrError("ha:resource-add pgbad postgresql promotable=true promote-max-lag=-1 data-dir="
                    + data);
            assertThat(bad).contains("promote-max-lag must be a whole number");
            execute("ha:resource-add pg postgresql promotable=true hosts=node1:127.0.0.1:" + port + " data-dir=" + data
                    + " socket-dir=" + root + " " + connect + " monitor-interval=1s");
            execute("ha:group-add db resources=pg nodes=node1");
            await("the engine started the primary", () -> {
                try {
                    return execute("ha:monitor-check postgresql role=primary " + connect).startsWith("HEALTHY");
                } catch (AssertionError e) {
                    return false;
                }
            });
            String[] history = {""};
            await("the start's reason in ha:history", () -> {
                history[0] = execute("ha:history -n 50");
                return history[0].contains("asynchronous replication");
            });
            System.out.println(history[0]);
            System.out.println(execute("ha:resource-show pg"));
            System.out.println(execute("ha:status"));
            assertThat(history[0]).contains("primary: started by pg_ctl").contains("(asynchronous replication: a "
                    + "failover can lose the last commits the standbys had not received)")
                    .doesNotContain("it-secret-pw");
        } finally {
            run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "stop", "-m", "immediate",
                    "-D", data.toString());
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
