package org.duplex.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs on loopback, real JGroups with encryption: quorum and coordinator through kills and cuts. */
class ClusterProcessTest {

    @Test
    @Timeout(90)
    void threeNodesKeepQuorumThroughOneKillAndLoseItAfterTwo(@TempDir Path dir) throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(3, null);
            for (int i = 0; i < 3; i++) {
                c.start("n" + (i + 1), i, members);
            }
            for (String n : List.of("n1", "n2", "n3")) {
                c.await(n, s -> s.quorate() && "n1".equals(s.coordinator()) && s.members().equals("n1,n2,n3"),
                        30_000, "quorate view of 3 with coordinator n1");
            }
            long epoch1 = c.latest.get("n1").epoch();

            c.kill("n1");
            ProcessCluster.State s2 = c.await("n2", s -> s.quorate() && "n2".equals(s.coordinator())
                    && s.members().equals("n2,n3"), 10_000, "n2 coordinator of n2,n3");
            c.await("n3", s -> s.quorate() && "n2".equals(s.coordinator()), 10_000, "n3 follows n2");
            assertThat(s2.epoch()).isGreaterThan(epoch1);

            c.kill("n2");
            ProcessCluster.State s3 = c.await("n3", s -> !s.quorate(), 10_000, "n3 loses quorum");
            assertThat(s3.line()).contains("policy=STOP").contains("coordinator=-");
        }
    }

    @Test
    @Timeout(90)
    void aWitnessVotesButNeverCoordinates(@TempDir Path dir) throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(3, "w3");
            c.start("n1", 0, members);
            c.start("n2", 1, members);
            c.start("w3", 2, members);
            for (String n : List.of("n1", "n2", "w3")) {
                c.await(n, s -> s.quorate() && "n1".equals(s.coordinator()) && s.members().equals("n1,n2,w3"),
                        30_000, "quorate view of 3 with coordinator n1");
            }
            c.kill("n1");
            c.await("n2", s -> s.quorate() && "n2".equals(s.coordinator()) && s.members().equals("n2,w3"),
                    10_000, "n2 keeps quorum with the witness");
            c.await("w3", s -> s.quorate() && "n2".equals(s.coordinator()), 10_000, "witness follows n2");
            c.kill("n2");
            c.await("w3", s -> !s.quorate() && s.members().equals("w3"), 10_000, "witness alone has no quorum");
            assertThat(c.history).noneMatch(s -> "w3".equals(s.coordinator()));
        }
    }

    @Test
    @Timeout(60)
    void aNodeWithTheWrongKeyCannotJoin(@TempDir Path dir) throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(3, null);
            c.start("n1", 0, members);
            c.start("n2", 1, members);
            c.start("n3", 2, members, "cluster.key.file=" + dir.resolve("wrong.key"));
            c.await("n1", s -> s.quorate() && s.members().equals("n1,n2"), 30_000, "n1,n2 quorate");
            Thread.sleep(4000); // several discovery and merge rounds
            assertThat(c.history).filteredOn(s -> !s.node().equals("n3"))
                    .allSatisfy(s -> assertThat(s.members()).doesNotContain("n3"));
            assertThat(c.latest.get("n3").members()).isEqualTo("n3");
            assertThat(c.latest.get("n3").quorate()).isFalse();
        }
    }

    @Test
    @Timeout(90)
    void twoNodesWithADiskLeaseKeepExactlyOneQuorateSideWhenTheNetworkIsCut(@TempDir Path dir) throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(2, null);
            String[] lease = {"two_node=true", "wait_for_all=true", "tiebreaker.type=disk",
                    "tiebreaker.disk.path=" + dir.resolve("lease.img"), "tiebreaker.disk.renew.ms=100",
                    "tiebreaker.disk.lease.ms=1000", "tiebreaker.disk.margin.ms=300"};
            c.start("n1", 0, members, lease);
            c.start("n2", 1, members, lease);
            for (String n : List.of("n1", "n2")) {
                c.await(n, s -> s.quorate() && s.members().equals("n1,n2") && "n1".equals(s.coordinator()),
                        30_000, "two-node quorum with the lease");
            }
            c.command("n1", "cut");
            c.command("n2", "cut");
            // each side installs a view of itself; only the lease holder's side may stay quorate
            c.await("n1", s -> s.members().equals("n1"), 10_000, "n1 alone");
            c.await("n2", s -> s.members().equals("n2"), 10_000, "n2 alone");
            Thread.sleep(3000); // longer than lease + margin: a wrong taker would have shown up by now
            c.command("n1", "status");
            c.command("n2", "status");
            Thread.sleep(300);
            boolean q1 = c.latest.get("n1").quorate();
            boolean q2 = c.latest.get("n2").quorate();
            assertThat(q1 ^ q2).as("exactly one side quorate: n1=%s n2=%s", q1, q2).isTrue();
            // never both quorate with disjoint views at any reported instant after the cut
            List<ProcessCluster.State> alone = c.history.stream().filter(s -> s.quorate()
                    && (s.members().equals("n1") || s.members().equals("n2"))).toList();
            assertThat(alone.stream().map(ProcessCluster.State::node).distinct()).hasSize(1);

            c.command("n1", "heal");
            c.command("n2", "heal");
            for (String n : List.of("n1", "n2")) {
                c.await(n, s -> s.quorate() && s.members().equals("n1,n2"), 30_000, "merged again");
            }
        }
    }

    /**
     * The outage this guards against: the services run on n2 (weight 1) but n1, the lowest id, took the lease at
     * start. The lease must move to n2 while both are connected, so that a cut interconnect leaves n2 quorate.
     */
    @Test
    @Timeout(90)
    void theDiskLeaseFollowsTheServicesSoACutLeavesTheActiveNodeQuorate(@TempDir Path dir) throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(2, null);
            String[] lease = {"two_node=true", "wait_for_all=true", "tiebreaker.type=disk",
                    "tiebreaker.disk.path=" + dir.resolve("lease.img"), "tiebreaker.disk.renew.ms=100",
                    "tiebreaker.disk.lease.ms=1000", "tiebreaker.disk.margin.ms=300"};
            c.start("n1", 0, members, lease);
            c.start("n2", 1, members, lease);
            for (String n : List.of("n1", "n2")) {
                c.await(n, s -> s.quorate() && s.members().equals("n1,n2"), 30_000, "two-node quorum");
            }
            c.command("n2", "weight 1"); // a failover moved the group to n2
            Awaitility.await("n2 holds the lease").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        c.command("n2", "lease");
                        assertThat(c.output).anyMatch(l -> l.contains("LEASE held by this node n2"));
                    });
            int cutAt = c.history.size();
            c.command("n1", "cut");
            c.command("n2", "cut");
            c.await("n1", s -> s.members().equals("n1"), 10_000, "n1 alone");
            c.await("n2", s -> s.members().equals("n2") && s.quorate(), 10_000, "n2 alone and quorate");
            Thread.sleep(3000); // longer than lease + margin: a wrong taker would have shown up by now
            c.command("n1", "status");
            c.command("n2", "status");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> c.history.size() > cutAt + 3);
            assertThat(c.latest.get("n2").quorate()).isTrue();
            assertThat(c.latest.get("n1").quorate()).isFalse();
            assertThat(c.history.subList(cutAt, c.history.size())).noneMatch(s -> s.quorate()
                    && s.members().equals("n1"));
            c.command("n1", "heal");
            c.command("n2", "heal");
            for (String n : List.of("n1", "n2")) {
                c.await(n, s -> s.quorate() && s.members().equals("n1,n2"), 30_000, "merged again");
            }
        }
    }
}
