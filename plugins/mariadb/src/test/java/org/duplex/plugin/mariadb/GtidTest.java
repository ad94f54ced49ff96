package org.duplex.plugin.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GTID lists, positions and their order, the divergence check, and the parsing of mariadb-binlog's output. */
class GtidTest {

    @Test
    void parsesListsAndPicksTheDomain() {
        assertThat(Gtid.parseList("")).isEmpty();
        assertThat(Gtid.parseList(null)).isEmpty();
        assertThat(Gtid.parseList("0-1-100, 1-2-5")).containsExactly(new Gtid(0, 1, 100), new Gtid(1, 2, 5));
        assertThat(Gtid.inDomain("0-1-100,1-2-5", 1)).contains(new Gtid(1, 2, 5));
        assertThat(Gtid.inDomain("1-2-5", 0)).isEmpty();
        assertThat(new Gtid(0, 1, 100)).hasToString("0-1-100");
        assertThatThrownBy(() -> Gtid.parseList("0-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'0-1'");
        assertThatThrownBy(() -> Gtid.parseList("0-1-99999999999999999999999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    @Test
    void positionsOrderBySequenceNumberAcrossPromotions() {
        // the new primary (server 2) continues the domain's sequence: 0-2-106 is after 0-1-105
        ReplicationPosition oldPrimary = Gtid.position(new Gtid(0, 1, 105));
        ReplicationPosition replica = Gtid.position(new Gtid(0, 1, 100));
        ReplicationPosition promoted = Gtid.position(new Gtid(0, 2, 106));
        assertThat(replica.behind(oldPrimary)).isEqualTo(5);
        assertThat(oldPrimary.behind(replica)).isZero();
        assertThat(promoted).isGreaterThan(oldPrimary);
        assertThat(promoted.unit()).isEqualTo("transactions");
        assertThat(promoted.text()).isEqualTo("0-2-106");
        assertThat(Gtid.empty(0).behind(replica)).isEqualTo(100);
    }

    @Test
    void aPromotionStartsANewGenerationThatEveryOldPositionIsBehind() {
        long marker = Gtid.nextGeneration(105);
        assertThat(marker).isEqualTo(1L << 32);
        ReplicationPosition promoted = Gtid.position(new Gtid(0, 2, marker + 3));
        assertThat(promoted.generation()).isEqualTo(1);
        assertThat(promoted.offset()).isEqualTo(3);
        assertThat(promoted.text()).isEqualTo("0-2-" + (marker + 3) + " (generation 1, transaction 3)");
        // the dead primary's unreplicated commits, however many, are on the old history: unknown distance
        ReplicationPosition diverged = Gtid.position(new Gtid(0, 1, 1_000_000));
        assertThat(diverged).isLessThan(promoted);
        assertThat(diverged.behind(promoted)).isEqualTo(Long.MAX_VALUE);
        assertThat(Gtid.nextGeneration(marker + 3)).isEqualTo(2L << 32);
        assertThat(Gtid.position(new Gtid(0, 3, Gtid.nextGeneration(marker)))).isGreaterThan(promoted);
    }

    @Test
    void extraOverNamesWhatTheOtherCopyLacks() {
        // a replica that is merely behind has nothing extra
        assertThat(Gtid.extraOver("0-1-100", "0-1-105", 0)).isEmpty();
        // the new primary took over at 100 and wrote on: the old primary's 101..105 are its own
        assertThat(Gtid.extraOver("0-1-105", "0-1-100,0-2-110", 0))
                .contains("0-1-101..0-1-105 (5 transactions after the last common sequence number 100 of domain 0)");
        // the old primary was itself promoted once before: server 2's history is shared
        assertThat(Gtid.extraOver("0-2-50,0-1-52", "0-2-50,0-3-60", 0)).get().asString()
                .startsWith("0-1-51..0-1-52 (2 transactions");
        // one transaction
        assertThat(Gtid.extraOver("0-1-101", "0-1-100,0-2-101", 0)).get().asString().startsWith("0-1-101 (1 "
                + "transaction after");
        // other domains are not compared
        assertThat(Gtid.extraOver("0-1-5,7-9-1000", "0-1-5", 0)).isEmpty();
        // an empty binlog state has nothing extra
        assertThat(Gtid.extraOver("", "0-1-5", 0)).isEmpty();
    }

    @Test
    void readsTheLastGtidOfMariadbBinlogOutput(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("binlog.txt");
        Files.writeString(text, String.join("\n",
                "#261208  1:26:23 server id 1  end_log_pos 285 CRC32 0x1e4c7495 \tGtid list [0-1-3,0-2-1]",
                "#261208  1:26:26 server id 1  end_log_pos 363 CRC32 0x0dde7a53 \tGTID 0-1-4 ddl",
                "/*M!100001 SET @@session.gtid_seq_no=4*//*!*/;",
                "INSERT INTO t VALUES ('# GTID 9-9-9 in a string')",
                "#261208  1:26:26 server id 1  end_log_pos 623 CRC32 0x474c894a \tGTID 0-1-5 trans", ""));
        assertThat(MariadbReplication.lastGtid(text)).contains(new Gtid(0, 1, 5));
        Files.writeString(text, "#261208  1:26:23 server id 1  end_log_pos 285 CRC32 0x1 \tGtid list [0-1-3,0-2-7]\n");
        assertThat(MariadbReplication.lastGtid(text)).contains(new Gtid(0, 2, 7));
        Files.writeString(text, "#261208 server id 1 \tGtid list []\n");
        assertThat(MariadbReplication.lastGtid(text)).isEmpty();
    }

    @Test
    void findsTheLastBinlogFromTheIndex(@TempDir Path dir) throws Exception {
        assertThat(MariadbReplication.lastBinlog(dir)).isEmpty();
        Files.writeString(dir.resolve("mariadb-relay-bin.index"), "./mariadb-relay-bin.000009\n");
        Files.writeString(dir.resolve("mariadb-bin.index"), "./mariadb-bin.000001\n./mariadb-bin.000002\n");
        assertThat(MariadbReplication.lastBinlog(dir)).contains(dir.resolve("mariadb-bin.000002"));
    }

    @Test
    void statusOfEachRoleAndSemiSyncFallback() {
        MariadbReplication.Slave slave = new MariadbReplication.Slave("10.0.0.1", 3306, "Yes", "Yes", 0L,
                "0-1-12", "", "");
        MariadbReplication.Info replica = new MariadbReplication.Info(2, 0, true, true, true, "0-1-10", "0-1-10",
                "0-1-10", Optional.of(slave), false, false, 0, true);
        ReplicaStatus s = MariadbReplication.status(replica, Map.of("node1", new MariadbReplication.Peer("10.0.0.1",
                3306)));
        assertThat(s.role()).isEqualTo(ReplicaStatus.Role.STANDBY);
        assertThat(s.following()).contains("node1");
        assertThat(s.position().get().offset()).as("received counts, as PostgreSQL's receive LSN").isEqualTo(12);
        assertThat(s.detail()).contains("IO thread Yes", "received 0-1-12", "applied 0-1-10",
                "(2 transactions to apply)", "semi-sync replica");

        MariadbReplication.Info fallen = new MariadbReplication.Info(1, 0, true, true, false, "0-1-20,3-3-1",
                "0-1-20", "0-1-20", Optional.empty(), true, false, 0, false);
        ReplicaStatus p = MariadbReplication.status(fallen, Map.of());
        assertThat(p.role()).isEqualTo(ReplicaStatus.Role.PRIMARY);
        assertThat(p.position()).contains(Gtid.position(new Gtid(0, 1, 20)));
        assertThat(p.detail()).contains("FALLEN BACK TO ASYNCHRONOUS", "other GTID domains");
        assertThat(fallen.configProblems()).isEmpty();
        MariadbReplication.Info noBinlog = new MariadbReplication.Info(1, 0, false, false, false, "", "", "",
                Optional.empty(), false, false, 0, false);
        assertThat(noBinlog.configProblems()).hasSize(2);
        assertThat(noBinlog.position()).isEqualTo(Gtid.empty(0));
    }

    @Test
    void parametersOfReplicationMode() {
        List<String> problems = new ArrayList<>();
        assertThat(MariadbReplication.peers(Map.of("hosts", "node1:10.0.0.1,node2:db2:3307"), 3306, problems))
                .containsEntry("node1", new MariadbReplication.Peer("10.0.0.1", 3306))
                .containsEntry("node2", new MariadbReplication.Peer("db2", 3307));
        assertThat(problems).isEmpty();
        MariadbReplication.peers(Map.of("hosts", "node1,node2:h:99999,node3:a b"), 3306, problems);
        assertThat(problems).hasSize(3).allMatch(x -> x.startsWith("hosts:"));

        problems.clear();
        assertThat(MariadbReplication.sync(Map.of(), problems)).isEqualTo(new MariadbReplication.Sync(false,
                MariadbReplication.DEFAULT_SEMI_SYNC_TIMEOUT));
        assertThat(MariadbReplication.sync(Map.of("semi-sync", "on", "semi-sync-timeout", "5s"), problems))
                .isEqualTo(new MariadbReplication.Sync(true, Duration.ofSeconds(5)));
        assertThat(problems).isEmpty();
        MariadbReplication.sync(Map.of("semi-sync", "sometimes", "semi-sync-timeout", "1400h"), problems);
        assertThat(problems).anyMatch(x -> x.startsWith("semi-sync: must be on or off"))
                .anyMatch(x -> x.startsWith("semi-sync-timeout: at most 4294967295 ms"));
        assertThat(MariadbReplication.mode(new MariadbReplication.Sync(false, Duration.ofHours(1))))
                .contains("asynchronous replication: a failover can lose");
        assertThat(MariadbReplication.quote("it's a \\ test")).isEqualTo("'it\\'s a \\\\ test'");

        assertThat(MariadbReplication.maxLagProblem(Map.of("promotable", "true"))).get().asString()
                .startsWith("promote-max-lag: required for a promotable mariadb resource");
        assertThat(MariadbReplication.maxLagProblem(Map.of("promotable", "true", "promote-max-lag", "0"))).isEmpty();
        assertThat(MariadbReplication.maxLagProblem(Map.of())).as("shared-storage mode").isEmpty();
    }
}
