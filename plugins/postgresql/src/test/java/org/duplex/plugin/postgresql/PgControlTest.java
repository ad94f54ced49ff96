package org.duplex.plugin.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.duplex.plugin.postgresql.PgLab.with;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code postgresql} agent against a real PostgreSQL 15 that each test creates with initdb (as the postgres
 * user when run as root): start, stop (fast, then immediate, then kill), monitor, and the failures an operator
 * meets: a data directory that is not there, a wrong password, a server that never finishes recovery, a hung
 * postmaster.
 */
class PgControlTest {

    private final PgControl agent = new PgControl();
    private PgLab lab;

    @BeforeEach
    void setUp() throws Exception {
        PgLab.assumeInstalled();
        lab = PgLab.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void startMonitorStopAreIdempotent() throws Exception {
        Map<String, String> p = lab.params();
        assertThat(agent.monitor(p, Duration.ofSeconds(5)).status()).isEqualTo(OcfStatus.NOT_RUNNING);

        OperationResult start = agent.start(p, Duration.ofSeconds(30));
        assertThat(start.status()).as(start.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(start.reason()).startsWith("started by pg_ctl in ").endsWith("answering SELECT 1 on 127.0.0.1:"
                + lab.port);
        long pid = lab.postmasterPid();
        if (PgLab.ROOT) {
            assertThat(Files.getOwner(Path.of("/proc", Long.toString(pid))).getName()).isEqualTo("postgres");
        }
        OperationResult mon = agent.monitor(p, Duration.ofSeconds(5));
        assertThat(mon.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(mon.reason()).isEqualTo("running (postmaster " + pid + ", 127.0.0.1:" + lab.port
                + " answered SELECT 1)");
        OperationResult again = agent.start(p, Duration.ofSeconds(10));
        assertThat(again.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(again.reason()).startsWith("already running (postmaster " + pid + ")");

        OperationResult stop = agent.stop(p, Duration.ofSeconds(20));
        assertThat(stop.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).startsWith("stopped (fast shutdown) in ");
        assertThat(Postmaster.alive(pid)).isFalse();
        assertThat(agent.monitor(p, Duration.ofSeconds(5)).reason()).isEqualTo("stopped: no live postmaster for "
                + lab.data);
        assertThat(agent.stop(p, Duration.ofSeconds(5)).reason()).isEqualTo("already stopped (no live postmaster for "
                + lab.data + ")");
    }

    @Test
    void missingDataDirectoryIsAClearErrorAtStartAndNotRunningOtherwise() throws Exception {
        Map<String, String> p = with(lab.params(), "data-dir", lab.root.resolve("not-mounted").toString());
        long t0 = System.nanoTime();
        OperationResult start = agent.start(p, Duration.ofSeconds(10));
        assertThat(start.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(start.reason()).isEqualTo("cannot start: data-dir " + lab.root.resolve("not-mounted")
                + " does not exist (is its filesystem mounted on this node?)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // loose: busy CI
        assertThat(agent.monitor(p, Duration.ofSeconds(5)).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop(p, Duration.ofSeconds(5)).status()).isEqualTo(OcfStatus.SUCCESS);

        Files.createDirectories(lab.root.resolve("empty"));
        OperationResult notPg = agent.start(with(lab.params(), "data-dir", lab.root.resolve("empty").toString()),
                Duration.ofSeconds(5));
        assertThat(notPg.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(notPg.reason()).contains("is not a PostgreSQL data directory (no PG_VERSION");

        OperationResult noBin = agent.start(with(lab.params(), "bin-dir", "/nonexistent/bin"), Duration.ofSeconds(5));
        assertThat(noBin.status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(noBin.reason()).isEqualTo("cannot start: no executable pg_ctl in bin-dir /nonexistent/bin"
                + " (install postgresql-15 or set bin-dir)");
    }

    @Test
    void wrongPasswordIsAClearConfigurationErrorThatNeverShowsThePassword() throws Exception {
        Path wrong = lab.passwordFile.resolveSibling("wrong");
        Files.writeString(wrong, "not-the-password\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> p = with(lab.params(), "password-file", wrong.toString());
        OperationResult start = agent.start(p, Duration.ofSeconds(30));
        assertThat(start.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(start.reason()).contains("started by pg_ctl").contains(
                "login as postgres to 127.0.0.1:" + lab.port + " refused: FATAL: password authentication failed for"
                        + " user \"postgres\" (password from " + wrong + ")")
                .doesNotContain("not-the-password").doesNotContain(PgLab.PASSWORD);
        OperationResult mon = agent.monitor(p, Duration.ofSeconds(5));
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(mon.reason()).contains("password authentication failed");
        assertThat(agent.stop(p, Duration.ofSeconds(20)).isSuccess()).isTrue();
    }

    @Test
    void aServerThatNeverFinishesRecoveryFailsStartWithinItsTimeout() throws Exception {
        // a standby of a primary that does not exist, with hot standby off: it stays in recovery for ever
        lab.conf("hot_standby = off");
        lab.conf("primary_conninfo = 'host=127.0.0.1 port=" + PgLab.freePort() + " user=postgres connect_timeout=1'");
        Files.writeString(lab.data.resolve("standby.signal"), "");
        long t0 = System.nanoTime();
        OperationResult start = agent.start(lab.params(), Duration.ofSeconds(4));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        assertThat(start.status()).isIn(OcfStatus.ERR_GENERIC, OcfStatus.TIMEOUT);
        // pg_ctl -w returns once the postmaster reports "standby"; the agent then waits for connections
        assertThat(start.reason()).startsWith("postgresql in " + lab.data + " started by pg_ctl in ")
                .contains(" but did not accept connections within 3.")
                .contains("127.0.0.1:" + lab.port + " is not accepting connections: FATAL: the database system is not"
                        + " accepting connections")
                .contains("Hot standby mode is disabled");
        assertThat(agent.monitor(lab.params(), Duration.ofSeconds(3)).status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(agent.stop(lab.params(), Duration.ofSeconds(10)).isSuccess()).isTrue();
    }

    @Test
    void stopEscalatesToImmediateWhenFastShutdownCannotFinish() throws Exception {
        lab.start();
        Connection c = lab.session();
        long backend;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
        }
        // a stopped backend cannot act on the fast shutdown's SIGTERM: the postmaster waits for it
        assertThat(PgLab.signal("STOP", backend)).isZero();
        long pid = lab.postmasterPid();
        long t0 = System.nanoTime();
        OperationResult stop = agent.stop(with(lab.params(), "stop-fast", "1s", "stop-immediate", "10s"),
                Duration.ofSeconds(15));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).startsWith("stopped by immediate shutdown (no checkpoint: crash recovery at the next"
                + " start) after fast shutdown did not finish within 1.0 s");
        assertThat(took).isLessThan(Duration.ofSeconds(15)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Postmaster.alive(pid)).isFalse();
        assertThat(Postmaster.alive(backend)).isFalse();
        // and it comes back (crash recovery)
        assertThat(agent.start(lab.params(), Duration.ofSeconds(30)).isSuccess()).isTrue();
    }

    @Test
    void stopKillsAHungPostmasterAndEverythingUnderItWithinItsTimeout() throws Exception {
        lab.start();
        long pid = lab.postmasterPid();
        List<Long> children = ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid).toList();
        assertThat(children).isNotEmpty();
        assertThat(PgLab.signal("STOP", pid)).isZero();

        OperationResult mon = agent.monitor(with(lab.params(), "connect-timeout", "1s"), Duration.ofSeconds(2));
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(mon.reason()).startsWith("postmaster " + pid + " is running but no answer from 127.0.0.1:"
                + lab.port + " within");

        long t0 = System.nanoTime();
        OperationResult stop = agent.stop(with(lab.params(), "stop-fast", "500ms", "stop-immediate", "500ms"),
                Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).startsWith("killed postmaster " + pid + " and its processes (");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(Postmaster.alive(pid)).isFalse();
        assertThat(children).noneMatch(Postmaster::alive);
        // the stale postmaster.pid does not keep it from starting again
        assertThat(Files.exists(lab.data.resolve("postmaster.pid"))).isTrue();
        OperationResult start = agent.start(lab.params(), Duration.ofSeconds(30));
        assertThat(start.status()).as(start.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(agent.stop(lab.params(), Duration.ofSeconds(20)).reason()).startsWith("stopped (fast shutdown)");
    }
}
