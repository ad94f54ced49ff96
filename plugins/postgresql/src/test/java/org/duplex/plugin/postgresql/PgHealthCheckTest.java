package org.duplex.plugin.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.duplex.plugin.postgresql.PgLab.with;

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
 * The {@code postgresql} monitor against a real PostgreSQL 15 primary (and, for lag, a real streaming standby made
 * with pg_basebackup), each check driven unhealthy for real: wrong password, a role that is not the expected one,
 * connection slots filled, a transaction left open, the replay of a standby paused while the primary writes, a
 * free-space limit above what the data directory's file system has, a stopped (SIGSTOP) server.
 */
class PgHealthCheckTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static PgLab primary;
    private final PgHealthCheck check = new PgHealthCheck();

    @BeforeAll
    static void startPrimary() throws Exception {
        PgLab.assumeInstalled();
        primary = PgLab.create("max_connections = 10", "superuser_reserved_connections = 3");
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
        assertThat(ok.reason()).matches("SELECT 1 answered in \\d+ ms; primary");

        HealthStatus wrongRole = check("role", "standby");
        assertThat(wrongRole.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(wrongRole.reason()).isEqualTo("server is a primary (pg_is_in_recovery() is false), expected standby");
    }

    @Test
    void wrongPasswordIsUnhealthyWithTheServersReasonAndNeverThePassword() throws Exception {
        Path wrong = primary.passwordFile.resolveSibling("wrong-monitor");
        Files.writeString(wrong, "guessed-wrong\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        HealthStatus h = check("password-file", wrong.toString());
        assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(h.reason()).isEqualTo("login as postgres to 127.0.0.1:" + primary.port + " refused: FATAL: password"
                + " authentication failed for user \"postgres\" (password from " + wrong + ")");
        assertThat(h.reason()).doesNotContain("guessed-wrong").doesNotContain(PgLab.PASSWORD);
        HealthStatus noPassword = check.check(Map.of("port", Integer.toString(primary.port)), T);
        assertThat(noPassword.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(noPassword.reason()).contains("(no password-file given)");
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        HealthStatus h = check.check(Map.of("port", Integer.toString(PgLab.freePort())), T);
        assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(h.reason()).startsWith("nothing accepts connections on 127.0.0.1:").endsWith("(connection refused)");
    }

    @Test
    void connectionsAgainstMaxConnectionsThenEverySlotTaken() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            HealthStatus before = check("max-connections-used", "50");
            assertThat(before.health()).as(before.reason()).isEqualTo(Health.HEALTHY);
            for (int i = 0; i < 5; i++) {
                held.add(primary.session());
            }
            HealthStatus over = check("max-connections-used", "50");
            assertThat(over.health()).isEqualTo(Health.UNHEALTHY);
            // 5 held + the check's own session
            assertThat(over.reason()).isEqualTo("6 of max_connections 10 connections in use (60 %, limit 50 %)");
            // the superuser takes the reserved slots too, then there is none left for the check
            while (true) {
                try {
                    held.add(primary.session());
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("53300");
                    break;
                }
            }
            HealthStatus full = check();
            assertThat(full.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(full.reason()).isEqualTo("127.0.0.1:" + primary.port + " refuses connections: FATAL: sorry, too"
                    + " many clients already (every connection slot is taken)");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void aTransactionLeftOpenLongerThanTheLimit() throws Exception {
        try (Connection c = primary.session()) {
            HealthStatus none = check("max-transaction-age", "1s");
            assertThat(none.reason()).as(none.reason()).endsWith("; no open transaction");
            c.setAutoCommit(false);
            int pid;
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid(), txid_current()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            HealthStatus young = check("max-transaction-age", "1s");
            assertThat(young.health()).as(young.reason()).isEqualTo(Health.HEALTHY);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HealthStatus old = check("max-transaction-age", "1s");
                assertThat(old.health()).isEqualTo(Health.UNHEALTHY);
                assertThat(old.reason()).matches("oldest transaction \\d+\\.\\d s \\(pid " + pid
                        + ", user postgres, idle in transaction, limit 1\\.0 s\\)");
            });
            c.rollback();
        }
        assertThat(check("max-transaction-age", "1s").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void freeSpaceOfTheDataDirectoryFromTheServerOrTheParameter() throws Exception {
        HealthStatus ok = check("max-used", "100");
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).contains("; " + primary.data + ": ").contains(" free of ");
        long usable = Files.getFileStore(primary.data).getUsableSpace();
        String more = Long.toString(usable + (1L << 30));
        HealthStatus low = check("data-dir", primary.data.toString(), "min-free", more);
        assertThat(low.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(low.reason()).startsWith(primary.data + ": ").contains(", below min-free ");
    }

    @Test
    void aStoppedServerIsUnhealthyWithinTheTimeout() throws Exception {
        long pid = primary.postmasterPid();
        // new connections are forked by the postmaster: a stopped postmaster accepts TCP but never answers
        assertThat(PgLab.signal("STOP", pid)).isZero();
        try {
            long t0 = System.nanoTime();
            HealthStatus h = check.check(primary.connect(), Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // loose: busy CI
            assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(h.reason()).startsWith("no answer from 127.0.0.1:" + primary.port + " within ");
        } finally {
            PgLab.signal("CONT", pid);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> check().health() == Health.HEALTHY);
    }

    @Test
    void replicationLagOfARealStreamingStandby() throws Exception {
        try (PgLab standby = PgLab.standbyOf(primary)) {
            standby.start();
            Map<String, String> sb = standby.connect();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HealthStatus h = check.check(with(sb, "role", "standby", "max-lag-bytes", "1MiB", "max-lag", "30s"), T);
                assertThat(h.health()).as(h.reason()).isEqualTo(Health.HEALTHY);
                assertThat(h.reason()).contains("standby; standby (streaming) replay lag 0 B, 0.0 s");
            });
            HealthStatus fromPrimary = check("max-lag-bytes", "1MiB");
            assertThat(fromPrimary.health()).as(fromPrimary.reason()).isEqualTo(Health.HEALTHY);
            assertThat(fromPrimary.reason()).contains("standby walreceiver (streaming) replay lag ");
            assertThat(check.check(with(sb, "role", "primary"), T).reason())
                    .isEqualTo("server is a standby (pg_is_in_recovery() is true), expected primary");

            try (Connection s = standby.session(); Statement st = s.createStatement()) {
                // one commit replayed, so that the standby knows the time of the last replayed transaction
                try (Connection p = primary.session(); Statement w = p.createStatement()) {
                    w.execute("CREATE TABLE first_commit (id int)");
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try (var rs = st.executeQuery("SELECT to_regclass('first_commit') IS NOT NULL")) {
                        return rs.next() && rs.getBoolean(1);
                    }
                });
                st.execute("SELECT pg_wal_replay_pause()");
                try (Connection p = primary.session(); Statement w = p.createStatement()) {
                    w.execute("CREATE TABLE lag AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 40000) g");
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    HealthStatus h = check.check(with(sb, "max-lag-bytes", "1MiB"), T);
                    assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
                    assertThat(h.reason()).matches("standby \\(streaming\\) replay lag [0-9.]+ MiB, [0-9.]+ s"
                            + " \\(limit 1 MiB, -\\)");
                });
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    HealthStatus h = check("max-lag-bytes", "1MiB");
                    assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
                    assertThat(h.reason()).startsWith("standby walreceiver (streaming) replay lag ");
                });
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    HealthStatus h = check.check(with(sb, "max-lag", "1s"), T);
                    assertThat(h.health()).isEqualTo(Health.UNHEALTHY);
                    assertThat(h.reason()).contains("(limit -, 1.0 s)");
                });
                st.execute("SELECT pg_wal_replay_resume()");
            }
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    check.check(with(sb, "max-lag-bytes", "1MiB", "max-lag", "30s"), T).health() == Health.HEALTHY);
            // a standby whose primary went away: no WAL receiver
            try (Connection p = primary.session(); Statement w = p.createStatement()) {
                w.execute("DROP TABLE lag, first_commit");
            }
        }
        HealthStatus none = check("max-lag-bytes", "1MiB");
        assertThat(none.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(none.reason()).isEqualTo("primary has no standby streaming from it (pg_stat_replication is empty)");
    }
}
