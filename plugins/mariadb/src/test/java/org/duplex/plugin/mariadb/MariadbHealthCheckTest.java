package org.duplex.plugin.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.duplex.plugin.mariadb.MariaLab.with;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code mariadb} monitor against a real MariaDB 10.11 primary (and, for role and lag, a real replica of it),
 * each check driven unhealthy for real: wrong password, nothing listening, connection slots filled, a transaction
 * left open, a replica whose applier is blocked by a lock while the primary writes, a stopped applier, a
 * free-space limit above what the data directory's file system has, a stopped (SIGSTOP) server. The monitor logs
 * in as {@code duplex} with only the grants the README asks for (PROCESS, SLAVE MONITOR).
 */
class MariadbHealthCheckTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static MariaLab primary;
    private final MariadbHealthCheck check = new MariadbHealthCheck();

    @BeforeAll
    static void startPrimary() throws Exception {
        MariaLab.assumeInstalled();
        primary = MariaLab.create("max-connections = 10", "server-id = 1", "log-bin = primary-bin");
        primary.start();
    }

    @AfterAll
    static void stopPrimary() throws Exception {
        if (primary != null) {
            primary.close();
        }
    }

    private HealthStatus check(String... kv) throws InterruptedException {
        return check.check(with(primary.connect(), kv), T);
    }

    @Test
    void connectAndSelectOneAndRole() throws Exception {
        HealthStatus ok = check("role", "primary");
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).matches("SELECT 1 answered in \\d+ ms; primary \\(writable, replicates from no one\\)");

        HealthStatus wrongRole = check("role", "replica");
        assertThat(wrongRole.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(wrongRole.reason()).isEqualTo("server has no replication source (SHOW ALL REPLICAS STATUS is"
                + " empty), expected replica");
        HealthStatus lag = check("max-lag", "5s");
        assertThat(lag.reason()).endsWith("primary: no replication lag to measure");
    }

    @Test
    void wrongPasswordIsUnhealthyWithTheServersReasonAndNeverThePassword() throws Exception {
        Path wrong = primary.passwordFile.resolveSibling("wrong-monitor");
        Files.writeString(wrong, "guessed-wrong\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        HealthStatus h = check("password-file", wrong.toString());
        assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(h.reason()).isEqualTo("login as duplex to 127.0.0.1:" + primary.port + " refused: Access denied for"
                + " user 'duplex'@'127.0.0.1' (using password: YES) (password from " + wrong + ")");
        assertThat(h.reason()).doesNotContain("guessed-wrong").doesNotContain(MariaLab.PASSWORD);
        HealthStatus noPassword = check.check(Map.of("port", Integer.toString(primary.port)), T);
        assertThat(noPassword.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(noPassword.reason()).contains("(using password: NO) (no password-file given)");
        HealthStatus tls = check("tls", "verify-full");
        assertThat(tls.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(tls.reason()).startsWith("127.0.0.1:" + primary.port + " has no TLS but tls=verify-full asks for it");
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        HealthStatus h = check.check(Map.of("port", Integer.toString(MariaLab.freePort())), T);
        assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(h.reason()).startsWith("nothing accepts connections on 127.0.0.1:").endsWith("(connection refused)");
    }

    @Test
    void connectionsAgainstMaxConnectionsThenEverySlotTaken() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            // other tests' sessions may still count (a replica's binlog dump thread ends when it next writes)
            HealthStatus before = check("max-connections-used", "80");
            assertThat(before.health()).as(before.reason()).isEqualTo(Health.HEALTHY);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) of max_connections 10")
                    .matcher(before.reason());
            assertThat(m.find()).as(before.reason()).isTrue();
            int already = Integer.parseInt(m.group(1)); // with the check's own session
            for (int i = already; i < 7; i++) {
                held.add(primary.session());
            }
            HealthStatus over = check("max-connections-used", "50");
            assertThat(over.health()).isEqualTo(Health.UNHEALTHY);
            // held sessions up to 7 with the check's own (10 is MariaDB's smallest max_connections)
            assertThat(over.reason()).isEqualTo("7 of max_connections 10 connections in use (70 %, limit 50 %)");
            // app has every privilege, so it takes the one extra slot MariaDB keeps for SUPER too
            while (true) {
                try {
                    held.add(primary.session());
                } catch (SQLException e) {
                    assertThat(e.getErrorCode()).isEqualTo(1040);
                    break;
                }
            }
            HealthStatus full = check();
            assertThat(full.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(full.reason()).isEqualTo("127.0.0.1:" + primary.port + " refuses connections: Too many"
                    + " connections (every connection slot is taken)");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void aTransactionLeftOpenPastTheLimit() throws Exception {
        HealthStatus none = check("max-transaction-age", "2s");
        assertThat(none.reason()).endsWith("no open transaction");
        try (Connection c = primary.session(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS txn (id int PRIMARY KEY) ENGINE=InnoDB");
            c.setAutoCommit(false);
            s.execute("INSERT INTO txn VALUES (1)"); // InnoDB lists a transaction once it touched a table
            long id;
            try (var rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                id = rs.getLong(1);
            }
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> check("max-transaction-age", "2s").health() == Health.UNHEALTHY);
            HealthStatus old = check("max-transaction-age", "2s");
            assertThat(old.reason()).matches("oldest transaction [0-9.]+ s \\(connection " + id + ", user app, idle in"
                    + " transaction, limit 2\\.0 s\\)");
            c.rollback();
        }
        // the server ends the closed session's transaction on its own thread, a moment after the close
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> check("max-transaction-age", "2s").health() == Health.HEALTHY);
    }

    @Test
    void freeSpaceOfTheDataDirectory() throws Exception {
        HealthStatus ok = check("max-used", "100");
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        // the server tells its datadir
        assertThat(ok.reason()).contains(primary.data + ": ").contains(" free of ");
        HealthStatus low = check("min-free", "1000TiB", "data-dir", primary.data.toString());
        assertThat(low.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(low.reason()).startsWith(primary.data + ": ").endsWith("below min-free 1000 TiB");
    }

    @Test
    void aStoppedServerIsUnhealthyWithinTheTimeout() throws Exception {
        long pid = primary.serverPid();
        assertThat(MariaLab.signal("STOP", pid)).isZero();
        try {
            long t0 = System.nanoTime();
            HealthStatus h = check.check(primary.connect(), Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(3000)); // 1 s margin
            assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(h.reason()).startsWith("no answer from 127.0.0.1:" + primary.port + " within");
        } finally {
            MariaLab.signal("CONT", pid);
        }
    }

    @Test
    void aReplicaWithRoleAndLagThenABlockedAndAStoppedApplier() throws Exception {
        try (MariaLab replica = MariaLab.create("server-id = 2", "read-only = ON", "relay-log = replica-relay")) {
            replica.start();
            try (Connection p = primary.session(); Statement ps = p.createStatement()) {
                ps.execute("CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl-pw'");
                ps.execute("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'");
                ps.execute("CREATE TABLE IF NOT EXISTS app.lagged (id int PRIMARY KEY) ENGINE=InnoDB");
            }
            Map<String, String> rc = replica.connect();
            try (Connection r = replica.session(); Statement rs = r.createStatement()) {
                rs.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port
                        + ", MASTER_USER='repl', MASTER_PASSWORD='repl-pw', MASTER_USE_GTID=slave_pos,"
                        + " MASTER_CONNECT_RETRY=1");
                rs.execute("START SLAVE");
                String source = "127.0.0.1:" + primary.port;
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> check.check(
                        with(rc, "role", "replica", "max-lag", "2s"), T).health() == Health.HEALTHY);
                HealthStatus ok = check.check(with(rc, "role", "replica", "max-lag", "2s"), T);
                assertThat(ok.reason()).matches("SELECT 1 answered in \\d+ ms; replica of " + source + ", read_only;"
                        + " replication from " + source + " lag 0 s \\(limit 2\\.0 s\\)");
                HealthStatus notPrimary = check.check(with(rc, "role", "primary"), T);
                assertThat(notPrimary.reason()).isEqualTo("server replicates from " + source
                        + " (SHOW ALL REPLICAS STATUS), expected primary");

                // the applier waits for a lock a session of the replica holds, while the primary writes
                try (Connection locker = replica.session(); Statement ls = locker.createStatement()) {
                    ls.execute("LOCK TABLES app.lagged WRITE");
                    try (Connection p = primary.session(); Statement ps = p.createStatement()) {
                        ps.execute("INSERT INTO app.lagged VALUES (1)");
                    }
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> check
                            .check(with(rc, "max-lag", "2s"), T).health() == Health.UNHEALTHY);
                    assertThat(check.check(with(rc, "max-lag", "2s"), T).reason()).matches("replication from "
                            + source + " lag \\d+ s \\(limit 2\\.0 s\\)");
                    ls.execute("UNLOCK TABLES");
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> check.check(
                        with(rc, "max-lag", "2s"), T).health() == Health.HEALTHY);

                rs.execute("STOP SLAVE SQL_THREAD");
                HealthStatus stopped = check.check(with(rc, "max-lag", "2s"), T);
                assertThat(stopped.health()).isEqualTo(Health.UNHEALTHY);
                assertThat(stopped.reason()).isEqualTo("replication from " + source + " is not running (IO thread Yes,"
                        + " SQL thread No)");
                rs.execute("STOP SLAVE");
                rs.execute("RESET SLAVE ALL");
            }
        }
    }
}
