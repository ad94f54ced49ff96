package org.duplex.plugin.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.duplex.plugin.mariadb.MariaLab.with;

import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code mariadb} agent against a real MariaDB 10.11 that each test creates with mariadb-install-db (the server
 * runs as the mysql user when the tests run as root): start, stop (SIGTERM, then SIGKILL), monitor, and the failures
 * an operator meets: a data directory that is not there, a wrong password, InnoDB files locked by another process, a
 * server that never becomes ready, a hung server.
 */
class MariadbControlTest {

    private final MariadbControl agent = new MariadbControl();
    private MariaLab lab;

    @BeforeEach
    void setUp() throws Exception {
        MariaLab.assumeInstalled();
        lab = MariaLab.create();
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
        long pid = lab.serverPid();
        assertThat(start.reason()).matches("started \\(mariadbd " + pid + "\\) in \\d+ ms, answering SELECT 1 on"
                + " 127.0.0.1:" + lab.port);
        if (MariaLab.ROOT) {
            assertThat(Files.getOwner(Path.of("/proc", Long.toString(pid))).getName()).isEqualTo("mysql");
        }
        OperationResult mon = agent.monitor(p, Duration.ofSeconds(5));
        assertThat(mon.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(mon.reason()).isEqualTo("running (mariadbd " + pid + ", 127.0.0.1:" + lab.port
                + " answered SELECT 1)");
        OperationResult again = agent.start(p, Duration.ofSeconds(10));
        assertThat(again.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(again.reason()).startsWith("already running (mariadbd " + pid + ") in ");

        OperationResult stop = agent.stop(p, Duration.ofSeconds(20));
        assertThat(stop.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).startsWith("stopped (normal shutdown) in ");
        assertThat(Mariadbd.alive(pid)).isFalse();
        assertThat(Files.readString(lab.data.resolve("duplex-mariadb.err"))).contains("Shutdown complete");
        assertThat(agent.monitor(p, Duration.ofSeconds(5)).reason()).isEqualTo("stopped: no live mariadbd for "
                + lab.data);
        assertThat(agent.stop(p, Duration.ofSeconds(5)).reason()).isEqualTo("already stopped (no live mariadbd for "
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

        Path empty = lab.root.resolve("empty");
        Files.createDirectories(empty);
        OperationResult notDb = agent.start(with(lab.params(), "data-dir", empty.toString()), Duration.ofSeconds(5));
        assertThat(notDb.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(notDb.reason()).contains("is not a MariaDB data directory (no mysql/ system database: run"
                + " mariadb-install-db)");

        OperationResult noBin = agent.start(with(lab.params(), "mariadbd", "/nonexistent/mariadbd"),
                Duration.ofSeconds(5));
        assertThat(noBin.status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(noBin.reason()).isEqualTo("cannot start: /nonexistent/mariadbd is not an executable file (install"
                + " mariadb-server or set mariadbd)");

        OperationResult noLogDir = agent.start(with(lab.params(), "log-file", "/nonexistent/dir/err.log"),
                Duration.ofSeconds(5));
        assertThat(noLogDir.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(noLogDir.reason()).isEqualTo("cannot start: the directory of log-file /nonexistent/dir/err.log does"
                + " not exist");

        if (MariaLab.ROOT) {
            Path rootOwned = lab.root.resolve("root-owned");
            Files.createDirectories(rootOwned.resolve("mysql"));
            MariaLab.run(java.util.List.of("chown", "-R", "root:root", rootOwned.toString()), null);
            OperationResult asRoot = agent.start(with(lab.params(), "data-dir", rootOwned.toString()),
                    Duration.ofSeconds(5));
            assertThat(asRoot.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
            assertThat(asRoot.reason()).isEqualTo("cannot start: data-dir " + rootOwned + " is owned by root; mariadbd"
                    + " runs as the data directory's owner and not as root (chown -R mysql:mysql " + rootOwned + ")");
        }
    }

    @Test
    void wrongPasswordIsAClearConfigurationErrorThatNeverShowsThePassword() throws Exception {
        Path wrong = lab.passwordFile.resolveSibling("wrong");
        Files.writeString(wrong, "not-the-password\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> p = with(lab.params(), "password-file", wrong.toString());
        OperationResult start = agent.start(p, Duration.ofSeconds(30));
        assertThat(start.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(start.reason()).startsWith("mariadb in " + lab.data + " started (mariadbd ").contains(
                "but login as duplex to 127.0.0.1:" + lab.port + " refused: Access denied for user 'duplex'@'127.0.0.1'"
                        + " (using password: YES) (password from " + wrong + ")")
                .doesNotContain("not-the-password").doesNotContain(MariaLab.PASSWORD);
        OperationResult mon = agent.monitor(p, Duration.ofSeconds(5));
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(mon.reason()).contains("Access denied");
        assertThat(agent.stop(p, Duration.ofSeconds(20)).isSuccess()).isTrue();
    }

    @Test
    void innodbFilesLockedByAnotherProcessFailStartWithTheServersReason() throws Exception {
        // what the other node would do if it still had the disk and a server on it: InnoDB's own fcntl lock
        try (RandomAccessFile f = new RandomAccessFile(lab.data.resolve("ibdata1").toFile(), "rw");
                FileLock lock = f.getChannel().lock()) {
            long t0 = System.nanoTime();
            OperationResult start = agent.start(lab.params(), Duration.ofSeconds(20));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(start.status()).isEqualTo(OcfStatus.ERR_GENERIC);
            assertThat(start.reason()).startsWith("mariadb in " + lab.data + ": mariadbd ")
                    .contains(" exited with exit code 1 while starting; log " + lab.data.resolve("duplex-mariadb.err")
                            + ": [ERROR] InnoDB: Unable to lock ./ibdata1 error: 11");
        }
        assertThat(agent.start(lab.params(), Duration.ofSeconds(30)).isSuccess()).isTrue();
    }

    @Test
    void aServerThatNeverBecomesReadyFailsStartWithinItsTimeout() throws Exception {
        // an init-file runs before the server accepts connections; one that does not finish stands for a startup
        // (crash recovery, an upgrade step) that does not end in time: the port is open, the handshake never comes
        Path init = lab.root.resolve("init.sql");
        Files.writeString(init, "SELECT SLEEP(600);\n");
        lab.conf("init-file = " + init);
        long t0 = System.nanoTime();
        OperationResult start = agent.start(with(lab.params(), "connect-timeout", "1s"), Duration.ofSeconds(4));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        assertThat(start.status()).isEqualTo(OcfStatus.TIMEOUT);
        assertThat(start.reason()).startsWith("mariadb in " + lab.data + " started (mariadbd ")
                .contains(" but did not answer SELECT 1 within 3.8 s (still starting, crash recovery or an init-file"
                        + " that does not finish?): no answer from 127.0.0.1:" + lab.port);
        OperationResult mon = agent.monitor(with(lab.params(), "connect-timeout", "1s"), Duration.ofSeconds(2));
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(mon.reason()).contains("is running but no answer from 127.0.0.1:" + lab.port);
        assertThat(agent.stop(with(lab.params(), "stop-graceful", "2s"), Duration.ofSeconds(10)).isSuccess()).isTrue();
    }

    @Test
    void stopKillsAHungServerWithinItsTimeoutAndItComesBackAfterCrashRecovery() throws Exception {
        lab.start();
        try (Connection c = lab.session(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB");
            s.execute("INSERT INTO t VALUES (1), (2), (3)");
        }
        long pid = lab.serverPid();
        assertThat(MariaLab.signal("STOP", pid)).isZero();

        OperationResult mon = agent.monitor(with(lab.params(), "connect-timeout", "1s"), Duration.ofSeconds(2));
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(mon.reason()).startsWith("mariadbd " + pid + " is running but no answer from 127.0.0.1:"
                + lab.port + " within");

        long t0 = System.nanoTime();
        OperationResult stop = agent.stop(with(lab.params(), "stop-graceful", "1s"), Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).startsWith("killed mariadbd " + pid + " (SIGKILL: InnoDB crash recovery at the next"
                + " start) after normal shutdown did not finish within 1.0 s; ");
        assertThat(took).isLessThan(Duration.ofSeconds(5)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Mariadbd.alive(pid)).isFalse();
        // the stale pid file and socket do not keep it from starting again, and the committed rows are there
        assertThat(Files.exists(lab.data.resolve("mariadbd.pid"))).isTrue();
        OperationResult start = agent.start(lab.params(), Duration.ofSeconds(30));
        assertThat(start.status()).as(start.reason()).isEqualTo(OcfStatus.SUCCESS);
        try (Connection c = lab.session(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
        assertThat(agent.stop(lab.params(), Duration.ofSeconds(20)).reason()).startsWith("stopped (normal shutdown)");
    }

    @Test
    void aServerThatExitsAtOnceIsReportedWithItsError() throws Exception {
        lab.conf("no-such-option = 1");
        OperationResult start = agent.start(lab.params(), Duration.ofSeconds(20));
        assertThat(start.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(start.reason()).contains(" exited with exit code ").contains("unknown variable 'no-such-option=1'");
    }
}
