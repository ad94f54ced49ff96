package org.duplex.failover.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.store.FileConfigStore;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.policy.ReplicaReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ha:status's replica lines: each copy's role, position, lag behind the primary, whom it follows, report age. */
class ReplicaLinesTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");
    private static final ResourceId DB = ResourceId.of("db");
    private static final Instant NOW = Instant.parse("2026-12-08T02:00:00Z");

    @TempDir
    Path dir;

    private FailoverConfig config() throws Exception {
        Path cfg = dir.resolve("failover.conf");
        Files.writeString(cfg, String.join("\n",
                "resource db type=log promotable=true",
                "resource vip type=vip ip=10.0.0.9",
                "group g resources=db,vip nodes=node1,node2,node3", ""));
        return new FileConfigStore(Optional.of(cfg)).load();
    }

    private static ReplicaReport report(ReplicaStatus.Role role, long generation, long offset, String following,
                                        int secondsAgo) {
        return new ReplicaReport(new ReplicaStatus(role,
                Optional.of(new ReplicationPosition(generation, offset, "bytes of WAL", generation + "/" + offset)),
                Optional.ofNullable(following), ""), NOW.minusSeconds(secondsAgo));
    }

    @Test
    void standbysShowHowFarBehindThePrimaryTheyAre() throws Exception {
        FailoverConfig cfg = config();
        var replicas = Map.of(DB, Map.of(
                N1, report(ReplicaStatus.Role.PRIMARY, 2, 5_000_000, null, 1),
                N2, report(ReplicaStatus.Role.STANDBY, 2, 4_999_904, "node1", 2),
                N3, report(ReplicaStatus.Role.STANDBY, 1, 7_000_000, "node1", 40)));
        assertThat(Commands.replicaLines(cfg, cfg.groups().get(0), replicas, NOW)).containsExactly(
                "db node1 primary 2/5000000, reported 1 s ago",
                "db node2 standby 2/4999904, 96 B of WAL behind node1, following node1, reported 2 s ago",
                "db node3 standby 1/7000000, on an older generation than node1, following node1, reported 40 s ago");
    }

    @Test
    void withoutAPrimaryTheMostAdvancedCopyIsTheReferenceAndNothingPromotableShowsNothing() throws Exception {
        FailoverConfig cfg = config();
        var replicas = Map.of(DB, Map.of(
                N1, new ReplicaReport(ReplicaStatus.stopped(Optional.empty(), "node silent"), NOW),
                N2, report(ReplicaStatus.Role.STANDBY, 2, 3 * 1024 * 1024, null, 0),
                N3, report(ReplicaStatus.Role.STOPPED, 2, 1024 * 1024 + 512, null, 0)));
        assertThat(Commands.replicaLines(cfg, cfg.groups().get(0), replicas, NOW)).containsExactly(
                "db node1 stopped (position unknown), reported 0 s ago",
                "db node2 standby 2/3145728, reported 0 s ago",
                "db node3 stopped 2/1049088, 2.0 MiB of WAL behind node2, reported 0 s ago");
        assertThat(Commands.replicaLines(cfg, cfg.groups().get(0), Map.of(), NOW)).isEmpty();
    }
}
