package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.duplex.itests.lab.TwoNodeLab;
import org.duplex.itests.net.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 17's proof in the two-node lab: a rolling upgrade from this build (N) to N+1 and back, with the client
 * probe running. N+1 is built from this very tree by {@code scripts/upgrade/make-next.sh}: the version bumped, the
 * cluster protocol level raised, and one deliberate protocol addition (cluster labels in the replicated
 * configuration, needing the new level, and a new message type). It reaches the nodes as an offline KAR and is
 * applied with the distribution's {@code bin/duplex-upgrade}, as an operator would.
 * <ol>
 * <li>Rolling upgrade: node2 (standby) then node1 (active: its group moves away); then the group is switched back.
 * Outages: only the planned moves, each within twice the 1 s failover goal; the configuration is the same before
 * and after. In the mixed window the newer addition is refused, and the older node ignores the new message
 * type.</li>
 * <li>With every node on N+1 the addition works; going back to N is then refused by bin/duplex-upgrade before it
 * touches anything.</li>
 * <li>Once the addition is removed, node1 goes back to N, and the mixed cluster handles a failover: node2
 * (N+1, running the group) is killed and node1 (N) takes over; node2 boots again on N+1.</li>
 * </ol>
 * Root only (network namespaces), with socat and unzip; skips loudly otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeLabIT {

    private static final String PREFIX = "dxu-";
    /** Twice the 1 s failover goal: what a planned move may cost the clients during an upgrade. */
    private static final long MAX_PLANNED_OUTAGE_MS = 2_000;

    private TwoNodeLab lab;
    private Path nextKar;
    private Path thisKar;
    private String version;
    private String nextVersion;
    private final Map<String, Long> timings = new LinkedHashMap<>();
    private long t0;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: UpgradeLabIT needs root and iproute2 for the two-node lab (CI runs as root)");
        for (String tool : List.of("/usr/bin/socat", "/usr/bin/unzip", "/usr/bin/patch")) {
            Assumptions.assumeTrue(Files.exists(Paths.get(tool)), "SKIPPED: UpgradeLabIT needs " + tool
                    + " (scripts/install-deps.sh installs it)");
        }
        t0 = System.nanoTime();
        Path root = Paths.get(DuplexContainer.required("duplex.root"));
        version = DuplexContainer.required("duplex.version");
        thisKar = root.resolve("features/target/duplex-" + version + "-offline.kar");
        assertThat(thisKar).as("this build's offline KAR (features module)").exists();
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "upgrade-lab");
        Files.createDirectories(work);
        nextKar = org.duplex.itests.node.NextBuild.kar(root, Paths.get(DuplexContainer.required("duplex.workDir"),
                "next"));
        nextVersion = org.duplex.itests.node.NextBuild.version(nextKar);
        lap("N+1 " + nextVersion + " built");

        lab = new TwoNodeLab(root, work.resolve("lab"), PREFIX);
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
        lap("two-node lab up on " + version);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.down();
        }
        lap("torn down");
        timings.forEach((k, v) -> System.out.printf("UpgradeLabIT %-60s at %5.1f s%n", k, v / 1000.0));
    }

    @Test
    @Order(1)
    void rollingUpgradeCostsOnlyThePlannedMovesAndKeepsTheConfiguration() throws Exception {
        lab.awaitServedBy("node1", "web served by node1 before the upgrade");
        String before = content(lab.client("node1", "ha:config-show"));
        TwoNodeLab.Probe probe = lab.probe("rolling-upgrade");

        String carried = upgrade("node2", nextKar, nextVersion);
        // N+1 reads tiebreaker.type as tiebreaker.kind (next-protocol.patch): the upgrade carried the value over
        assertThat(carried).contains("setting carried over: etc/org.duplex.cluster.cfg tiebreaker.type ->"
                + " tiebreaker.kind = disk");
        assertThat(Files.readString(lab.dir().resolve("node2/etc/org.duplex.cluster.cfg")))
                .containsPattern("(?m)^tiebreaker\\.kind = disk$").containsPattern("(?m)^tiebreaker\\.type = disk$");
        assertThat(lab.client("node2", "ha:status")).contains("Tiebreaker:  disk lease");
        String mixed = lab.client("node1", "ha:upgrade-status");
        assertThat(mixed).containsPattern("node1 +" + Pattern.quote(version) + " +2 +member")
                .containsPattern("node2 +" + Pattern.quote(nextVersion) + " +3 +member")
                .contains("mixed builds: what level 3 adds stays off");
        TwoNodeLab.Result label = lab.script("two-node.sh", Duration.ofSeconds(90), "client", "node2",
                "ha:cluster-label site east");
        assertThat(label.exit()).as("the newer addition while node1 runs " + version).isNotZero();
        assertThat(label.out()).contains("needs every node at protocol level 3")
                .contains("node1 runs level 2 (Duplex " + version + ")");
        assertThat(Files.readString(lab.dir().resolve("node1/data/log/karaf.log")))
                .as("node1 drops N+1's new message type, and says so once")
                .contains("Ignoring cluster messages of type 'notice'");
        lap("node2 on " + nextVersion + ": mixed cluster, addition refused");

        upgrade("node1", nextKar, nextVersion);
        lab.awaitServedBy("node2", "web moved to node2 while node1 upgraded");
        String moved = lab.client("node2", "ha:switchover web node1");
        assertThat(moved).contains("switched over from node2 to node1");
        lab.awaitServedBy("node1", "web back on node1");
        TwoNodeLab.Report report = probe.stop();
        System.out.println("UpgradeLabIT rolling upgrade outages: " + report.outages());
        assertThat(report.outages()).as("only the two planned moves cost anything").hasSizeLessThanOrEqualTo(2)
                .allSatisfy(o -> assertThat(o.durationMs()).as(o.toString())
                        .isLessThanOrEqualTo(MAX_PLANNED_OUTAGE_MS));
        assertThat(report.answeredBy()).containsExactly("node1", "node2", "node1");
        assertThat(content(lab.client("node1", "ha:config-show"))).as("configuration after the upgrade")
                .isEqualTo(before);
        assertThat(lab.client("node2", "ha:upgrade-status")).contains("Cluster:     protocol level 3 in use");
        lap("both nodes on " + nextVersion + ", web back on node1");
    }

    @Test
    @Order(2)
    void theAdditionWorksOnceEveryNodeRunsItAndThenBlocksGoingBack() throws Exception {
        assertThat(lab.client("node2", "ha:cluster-label site east")).contains("Applied");
        assertThat(lab.client("node1", "ha:config-show")).contains("labels:").contains("site: east")
                .contains("requires: 3");
        assertThat(lab.client("node1", "ha:upgrade-status"))
                .contains("Going back:  only to builds of protocol level 3 or later");

        TwoNodeLab.Result back = lab.script("two-node.sh", Duration.ofMinutes(3), "upgrade", "node1",
                thisKar.toString());
        assertThat(back.exit()).as(back.out()).isNotZero();
        assertThat(back.out()).contains("cluster's configuration needs level 3").doesNotContain("standby:");
        assertThat(lab.client("node1", "ha:upgrade-status")).contains("This node:   node1, Duplex " + nextVersion);
        assertThat(lab.served()).isEqualTo("node1");
        lap("label applied; rollback refused while it is in use");
    }

    @Test
    @Order(3)
    void goingBackAfterRemovingItAndTheMixedClusterFailsOver() throws Exception {
        assertThat(lab.client("node2", "ha:cluster-label site")).contains("Applied");
        TwoNodeLab.Probe probe = lab.probe("rollback");
        upgrade("node1", thisKar, version);
        lab.awaitServedBy("node2", "web on node2 after node1 went back");
        TwoNodeLab.Report report = probe.stop();
        assertThat(report.outages()).hasSizeLessThanOrEqualTo(1)
                .allSatisfy(o -> assertThat(o.durationMs()).as(o.toString())
                        .isLessThanOrEqualTo(MAX_PLANNED_OUTAGE_MS));
        assertThat(lab.client("node1", "list -s")).doesNotContain(nextVersion.replace("-SNAPSHOT", ".SNAPSHOT"));
        assertThat(lab.client("node1", "ha:status")).as("N reads the old name, kept by the upgrade")
                .contains("Tiebreaker:  disk lease");
        lap("node1 back on " + version);

        lab.run("kill", "node2");
        lab.awaitServedBy("node1", "node1 (" + version + ") took web over from node2 (" + nextVersion + ")");
        lap("failover from the newer to the older node");
        lab.run("start", "node2");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(lab.client("node1", "ha:upgrade-status"))
                        .containsPattern("node2 +" + Pattern.quote(nextVersion) + " +3 +member"));
        lap("node2 booted again on " + nextVersion + " and rejoined");
    }

    /** bin/duplex-upgrade on NODE; asserts it finished and that the node runs {@code expected}; its output. */
    private String upgrade(String node, Path source, String expected) throws Exception {
        TwoNodeLab.Result r = lab.script("two-node.sh", Duration.ofMinutes(6), "upgrade", node, source.toString());
        System.out.println("UpgradeLabIT bin/duplex-upgrade on " + node + ":\n" + r.out());
        assertThat(r.exit()).as("bin/duplex-upgrade on " + node + ":\n" + r.out() + lab.diagnostics()).isZero();
        assertThat(r.out()).contains("node " + node + " rejoined, quorate, on Duplex " + expected);
        assertThat(lab.client(node, "ha:upgrade-status")).contains("This node:   " + node + ", Duplex " + expected);
        lap(node + " on " + expected);
        return r.out();
    }

    /** The configuration without its version and epoch (standby/online on the way bump them). */
    private static String content(String yaml) {
        List<String> keep = new ArrayList<>();
        for (String line : yaml.split("\n")) {
            if (!line.startsWith("version:") && !line.startsWith("epoch:")) {
                keep.add(line);
            }
        }
        return String.join("\n", keep);
    }

    private void lap(String what) {
        timings.put(what, (System.nanoTime() - t0) / 1_000_000);
    }
}
