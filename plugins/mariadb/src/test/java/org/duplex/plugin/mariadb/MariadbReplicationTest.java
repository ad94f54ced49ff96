package org.duplex.plugin.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.duplex.plugin.mariadb.MariaLab.with;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replication mode against real MariaDB 10.11 servers on this machine (temporary data directories, two ports,
 * "node1" and "node2" in the agent's {@code hosts}): a primary started by the agent, a replica seeded with
 * mariadb-dump and started by follow, writes, the primary crashed (SIGKILL), the replica promoted, the old primary
 * following the new one with every committed row; a diverged old primary refused with its extra GTIDs named, then
 * re-seeded; semi-synchronous mode; and the errors an operator meets.
 */
class MariadbReplicationTest {

    private static final Duration T = Duration.ofSeconds(60);
    /** What replication mode asks of each node's config-file (README, "Replication mode"). */
    private static final String[] REPL = {"log-bin = mariadb-bin", "log-slave-updates", "binlog-format = ROW",
        "gtid-strict-mode = ON"};
    /** The agent's account in replication mode (README). */
    static final String GRANTS = "GRANT RELOAD, PROCESS, SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER,"
            + " REPLICATION SLAVE, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, SLAVE MONITOR, BINLOG MONITOR,"
            + " BINLOG ADMIN, BINLOG REPLAY, READ_ONLY ADMIN, CONNECTION ADMIN ON *.* TO 'duplex'@'%'";

    private final MariadbAgent agent = new MariadbAgent();

    @BeforeAll
    static void installed() {
        MariaLab.assumeInstalled();
    }

    private static String[] conf(int serverId) {
        String[] out = new String[REPL.length + 1];
        System.arraycopy(REPL, 0, out, 0, REPL.length);
        out[REPL.length] = "server-id = " + serverId;
        return out;
    }

    private static Resource db(MariaLab lab, String hosts, String... extra) {
        Map<String, String> p = with(lab.params(), "promotable", "true", "promote-max-lag", "0", "hosts", hosts);
        return new Resource(ResourceId.of("db"), "mariadb", with(p, extra), OperationTimeouts.DEFAULTS,
                Duration.ofSeconds(2));
    }

    private static String hosts(MariaLab a, MariaLab b) {
        return "node1:127.0.0.1:" + a.port + ",node2:127.0.0.1:" + b.port;
    }

    /** The primary started, the agent's account granted what replication mode needs, a table. */
    private void primary(MariaLab a, Resource onA) throws Exception {
        a.start(); // the operator's one-time set-up: the account and a table, before the cluster takes over
        try (Statement st = a.session().createStatement()) {
            st.execute(GRANTS);
            st.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
        }
        OperationResult started = agent.start(onA, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        assertThat(started.reason()).contains("primary at 0-1-");
    }

    @Test
    void primaryDiesReplicaPromotedOldPrimaryFollowsWithEveryCommittedRow() throws Exception {
        try (MariaLab a = MariaLab.create(conf(1)); MariaLab b = MariaLab.empty(conf(2))) {
            String hosts = hosts(a, b);
            Resource onA = db(a, hosts);
            Resource onB = db(b, hosts);
            primary(a, onA);
            assertThat(agent.status(onA, T).role()).isEqualTo(ReplicaStatus.Role.PRIMARY);
            insert(a, 1, 10);

            OperationResult followed = agent.follow(onB, NodeId.of("node1"), T);
            assertThat(followed.isSuccess()).as(followed.reason()).isTrue();
            assertThat(followed.reason()).contains("seeded from node1", "mariadb-dump", "asynchronous replication: a"
                    + " failover can lose").doesNotContain(MariaLab.PASSWORD);
            assertThat(count(b)).isEqualTo(10);
            insert(a, 11, 20);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(count(b)).isEqualTo(20));

            ReplicaStatus sa = agent.status(onA, T);
            ReplicaStatus sb = agent.status(onB, T);
            assertThat(sb.role()).isEqualTo(ReplicaStatus.Role.STANDBY);
            assertThat(sb.following()).contains("node1");
            assertThat(sb.position()).isEqualTo(sa.position());
            OperationResult mon = agent.monitor(onB, T);
            assertThat(mon.isSuccess()).as(mon.reason()).isTrue();
            assertThat(mon.reason()).contains("IO thread Yes", "SQL thread Yes", "Seconds_Behind_Master",
                    "0 transactions to apply");
            assertThat(readOnly(b)).isTrue();
            assertThat(b.data.resolve("master.info")).as("status's role when the server cannot be asked").exists();

            // the primary crashes; what it wrote is on its disk and on the replica
            long pid = a.serverPid();
            assertThat(MariaLab.signal("KILL", pid)).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> !Mariadbd.alive(pid));
            ReplicaStatus deadA = agent.status(onA, T);
            assertThat(deadA.role()).isEqualTo(ReplicaStatus.Role.STOPPED);
            assertThat(deadA.position()).as(deadA.detail()).isPresent();
            ReplicaStatus nowB = agent.status(onB, T);
            // the engine promotes the most advanced copy: node2 is not behind what node1 has on disk
            assertThat(nowB.position().get().behind(deadA.position().get())).isZero();
            assertThat(nowB.position().get().compareTo(deadA.position().get())).isZero();

            OperationResult promoted = agent.promote(onB, T);
            assertThat(promoted.isSuccess()).as(promoted.reason()).isTrue();
            assertThat(promoted.reason()).contains("promoted", "read_only off", "new generation started",
                    "(generation 1, transaction 0)");
            assertThat(readOnly(b)).isFalse();
            assertThat(b.data.resolve("master.info")).doesNotExist();
            assertThat(agent.status(onB, T).role()).isEqualTo(ReplicaStatus.Role.PRIMARY);
            insert(b, 21, 25);
            assertThat(agent.status(onB, T).position().get().compareTo(deadA.position().get())).isPositive();

            // the old primary comes back as a replica of the new one
            OperationResult back = agent.follow(onA, NodeId.of("node2"), T);
            assertThat(back.isSuccess()).as(back.reason()).isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(count(a)).isEqualTo(25));
            ReplicaStatus sa2 = agent.status(onA, T);
            assertThat(sa2.role()).isEqualTo(ReplicaStatus.Role.STANDBY);
            assertThat(sa2.following()).contains("node2");
            // a running primary is not demoted
            OperationResult demote = agent.follow(onB, NodeId.of("node1"), T);
            assertThat(demote.status()).isEqualTo(OcfStatus.ERR_GENERIC);
            assertThat(demote.reason()).contains("runs as a primary", "stop it first");
        }
    }

    @Test
    void divergedOldPrimaryIsRefusedNamingItsExtraGtidsThenReseeded() throws Exception {
        try (MariaLab a = MariaLab.create(conf(1)); MariaLab b = MariaLab.empty(conf(2))) {
            String hosts = hosts(a, b);
            Resource onA = db(a, hosts);
            Resource onB = db(b, hosts);
            primary(a, onA);
            insert(a, 1, 5);
            OperationResult followed = agent.follow(onB, NodeId.of("node1"), T);
            assertThat(followed.isSuccess()).as(followed.reason()).isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(count(b)).isEqualTo(5));
            ReplicationPosition common = agent.status(onB, T).position().orElseThrow();

            // the replica stops receiving (a network cut); the primary commits 3 more and dies
            try (Statement st = b.session().createStatement()) {
                st.execute("STOP SLAVE IO_THREAD");
            }
            insert(a, 6, 8);
            ReplicationPosition ahead = agent.status(onA, T).position().orElseThrow();
            ReplicaStatus behindB = agent.status(onB, T);
            assertThat(behindB.position().get().behind(ahead)).isEqualTo(3);
            assertThat(ahead.unit()).isEqualTo("transactions");
            assertThat(agent.monitor(onB, T).reason()).contains("IO thread No");
            MariaLab.signal("KILL", a.serverPid());
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.status(onA, T).role()
                    == ReplicaStatus.Role.STOPPED);
            assertThat(agent.status(onA, T).position()).contains(ahead);

            OperationResult promoted = agent.promote(onB, T);
            assertThat(promoted.isSuccess()).as(promoted.reason()).isTrue();
            insert(b, 100, 101);
            // node1's 3 extra commits are on the old generation: behind node2 by an unknown amount, never promoted
            ReplicationPosition newer = agent.status(onB, T).position().orElseThrow();
            assertThat(newer.generation()).isEqualTo(1);
            assertThat(ahead.behind(newer)).isEqualTo(Long.MAX_VALUE);

            long s = common.offset();
            OperationResult refused = agent.follow(onA, NodeId.of("node2"), T);
            assertThat(refused.status()).as(refused.reason()).isEqualTo(OcfStatus.ERR_GENERIC);
            assertThat(refused.reason()).contains("0-1-" + (s + 1) + "..0-1-" + (s + 3), "3 transactions",
                    "diverged", "re-seed").doesNotContain(MariaLab.PASSWORD);
            assertThat(agent.status(onA, T).role()).as("left stopped").isEqualTo(ReplicaStatus.Role.STOPPED);

            // the operator re-seeds: an empty data directory follows from scratch
            assertThat(MariaLab.run(List.of("rm", "-rf", a.data.toString()), null)).isZero();
            OperationResult reseeded = agent.follow(onA, NodeId.of("node2"), T);
            assertThat(reseeded.isSuccess()).as(reseeded.reason()).isTrue();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(count(a)).isEqualTo(7));
        }
    }

    @Test
    void semiSyncCommitWaitsForTheReplicaThenFallsBackAfterTheTimeoutAndSaysSo() throws Exception {
        try (MariaLab a = MariaLab.create(conf(1)); MariaLab b = MariaLab.empty(conf(2))) {
            String hosts = hosts(a, b);
            Resource onA = db(a, hosts, "semi-sync", "on", "semi-sync-timeout", "3s");
            Resource onB = db(b, hosts, "semi-sync", "on", "semi-sync-timeout", "3s");
            primary(a, onA);
            OperationResult followed = agent.follow(onB, NodeId.of("node1"), T);
            assertThat(followed.isSuccess()).as(followed.reason()).isTrue();
            assertThat(followed.reason()).contains("semi-synchronous replication, AFTER_SYNC");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(agent.monitor(onA, T).reason()).contains("semi-synchronous, 1 semi-sync replica"));

            long t0 = System.nanoTime();
            insert(a, 1, 1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            // AFTER_SYNC: acknowledged once the replica has received it (in its relay log), applied a moment later
            assertThat(agent.status(onB, T).position()).as("acknowledged: the replica has it")
                    .isEqualTo(agent.status(onA, T).position());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(count(b)).isEqualTo(1));

            // no replica receives: the commit waits for the whole timeout, then MariaDB goes asynchronous
            try (Statement st = b.session().createStatement()) {
                st.execute("STOP SLAVE IO_THREAD");
            }
            t0 = System.nanoTime();
            insert(a, 2, 2);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
            OperationResult mon = agent.monitor(onA, T);
            assertThat(mon.reason()).contains("FALLEN BACK TO ASYNCHRONOUS");
            assertThat(agent.status(onA, T).detail()).contains("FALLEN BACK TO ASYNCHRONOUS");
        }
    }

    @Test
    void errorsAnOperatorMeets() throws Exception {
        try (MariaLab a = MariaLab.create(conf(1)); MariaLab b = MariaLab.empty(conf(2));
             MariaLab same = MariaLab.empty(conf(1))) {
            String hosts = hosts(a, b) + ",node3:127.0.0.1:" + same.port;
            Resource onA = db(a, hosts);
            // promote and start of a copy that has no data directory
            OperationResult p = agent.promote(db(b, hosts), T);
            assertThat(p.status()).isEqualTo(OcfStatus.NOT_RUNNING);
            assertThat(p.reason()).contains("no mariadbd runs");
            OperationResult st = agent.start(db(b, hosts), T);
            assertThat(st.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
            assertThat(st.reason()).contains("does not exist");
            // the primary is down: follow says so within its timeout
            OperationResult down = agent.follow(db(b, hosts), NodeId.of("node1"), Duration.ofSeconds(20));
            assertThat(down.isSuccess()).isFalse();
            assertThat(down.reason()).contains("connection refused");
            assertThat(agent.follow(db(b, hosts), NodeId.of("node9"), T).reason()).contains("no address for node node9");

            primary(a, onA);
            // a wrong password: the login to the primary is refused, the password named by its file only
            var wrong = Files.createTempFile("duplex-mdbpw", ".pw");
            Files.writeString(wrong, "not-the-password\n");
            Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
            try {
                OperationResult w = agent.follow(db(b, hosts, "password-file", wrong.toString()), NodeId.of("node1"),
                        T);
                assertThat(w.status()).as(w.reason()).isEqualTo(OcfStatus.ERR_CONFIGURED);
                assertThat(w.reason()).contains("refused", wrong.toString()).doesNotContain("not-the-password");
            } finally {
                Files.deleteIfExists(wrong);
            }
            // the same server-id as the primary
            OperationResult dup = agent.follow(db(same, hosts), NodeId.of("node1"), T);
            assertThat(dup.status()).as(dup.reason()).isEqualTo(OcfStatus.ERR_CONFIGURED);
            assertThat(dup.reason()).contains("server_id 1 is the same as node1's");
            // bad parameters
            assertThat(agent.validate(db(a, "node1", "semi-sync", "maybe", "semi-sync-timeout", "-1s"), T))
                    .anyMatch(x -> x.startsWith("hosts:")).anyMatch(x -> x.startsWith("semi-sync:"))
                    .anyMatch(x -> x.startsWith("semi-sync-timeout:"));
        }
    }

    @Test
    void startAsPrimaryRefusesTheBinaryLogOff() throws Exception {
        try (MariaLab a = MariaLab.create("server-id = 1")) {
            OperationResult r = agent.start(db(a, "node1:127.0.0.1:" + a.port), T);
            assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
            assertThat(r.reason()).contains("log_bin is OFF", "log_slave_updates is OFF");
        }
    }

    private static void insert(MariaLab lab, int from, int to) throws SQLException {
        try (Statement st = lab.session().createStatement()) {
            for (int i = from; i <= to; i++) {
                st.execute("INSERT INTO app.t VALUES (" + i + ")");
            }
        }
    }

    private static long count(MariaLab lab) throws SQLException {
        Connection c = lab.session();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM app.t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean readOnly(MariaLab lab) throws SQLException {
        try (Statement st = lab.session().createStatement(); ResultSet rs = st.executeQuery("SELECT @@read_only")) {
            rs.next();
            return rs.getInt(1) != 0;
        }
    }
}
