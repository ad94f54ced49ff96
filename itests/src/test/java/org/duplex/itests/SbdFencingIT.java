package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

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
 * Issue 21's disk poison pill in the two-node lab with no fence device outside the nodes: each node's only device is
 * {@code type = sbd} on the shared disk area, each runs the SBD watcher (watchdog timeout 1 s, msgwait 2 s; this
 * machine has no hardware watchdog, so the process ending itself stands for the reset).
 * <ol>
 *   <li>An operator's pill (ha:fence off on node2) ends node1 by itself: its VIP is gone before its process ends,
 *       the fence is confirmed only after msgwait, node2 takes over, and the VIP is never on both nodes.</li>
 *   <li>node1 started again clears the pill meant for its previous run and rejoins.</li>
 *   <li>A power cut of the active node: the survivor fences it through the pill (msgwait) and takes over.</li>
 * </ol>
 * Root only (network namespaces).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SbdFencingIT {

    private TwoNodeLab lab;
    private final List<String> record = new java.util.ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: SbdFencingIT needs root and iproute2 to create network namespaces (CI runs as root)");
        for (String tool : List.of("/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: SbdFencingIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "sbd-lab");
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work, "dx7-", "sbd");
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
    }

    @AfterAll
    void tearDown() throws Exception {
        record.forEach(l -> System.out.println("[SbdFencingIT] " + l));
        if (lab != null) {
            lab.down();
        }
    }

    @Test
    @Order(1)
    void anOperatorsPillEndsTheNodeWhichDropsItsVipFirstAndTheFenceWaitsMsgwait() throws Exception {
        lab.awaitServedBy("node1", "node1 serves web");
        long pid1 = lab.jvmPid("node1");
        try (var probe = lab.probe("sbd pill"); var watch = lab.watchVip()) {
            long t0 = System.nanoTime();
            String fence = lab.client("node2", "ha:fence --action off node1");
            long fenceMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(fence).as("the operator's fence").contains("exit 0").contains("msgwait 2000 ms over");
            assertThat(fenceMs).as("confirmed only after msgwait").isGreaterThanOrEqualTo(2000);
            // SBD's contract: by the end of msgwait the victim is gone (here: loop 250 ms + stops bounded at 500 ms)
            assertThat(running(pid1)).as("node1's JVM ended itself before the fence was confirmed").isFalse();
            assertThat(lab.hasVip("node1")).as("node1 dropped its VIP before ending").isFalse();
            lab.awaitServedBy("node2", "node2 serves web");
            TwoNodeLab.Report seen = probe.stop();
            record.add("pill of node1 by the operator: fence command " + fenceMs + " ms; client saw "
                    + seen.answeredBy() + " " + seen.outages());
            assertThat(seen.answeredBy()).containsExactly("node1", "node2");
            assertThat(watch.stop()).as("moments when both nodes served the VIP").isEmpty();
        }
        String log = Files.readString(lab.dir().resolve("node1/data/log/karaf.log"));
        assertThat(log).contains("received a poison pill (off from node2").contains("SBD: ending this node now");
        assertThat(log).containsPattern("ending this node now \\(.*resources stopped in \\d+ ms\\)");
    }

    @Test
    @Order(2)
    void theNodeStartedAgainClearsThePillOfItsPreviousRunAndRejoins() throws Exception {
        lab.run("start", "node1");
        lab.awaitBothInView();
        String log = Files.readString(lab.dir().resolve("node1/data/log/karaf.log"));
        assertThat(log).contains("found a poison pill").contains("that run is gone, so it is cleared");
        assertThat(lab.client("node2", "ha:fence --action status node1")).contains("node1's slot is clear");
        assertThat(lab.served()).isEqualTo("node2");
    }

    @Test
    @Order(3)
    void aPowerCutOfTheActiveNodeIsFencedThroughThePill() throws Exception {
        try (var probe = lab.probe("sbd power cut"); var watch = lab.watchVip()) {
            lab.run("kill", "node2");
            lab.awaitServedBy("node1", "node1 serves web");
            TwoNodeLab.Report seen = probe.stop();
            record.add("power cut of node2: client saw " + seen.answeredBy() + " " + seen.outages());
            assertThat(seen.answeredBy()).containsExactly("node2", "node1");
            assertThat(watch.stop()).isEmpty();
        }
        assertThat(lab.client("node1", "ha:history")).containsPattern(
                "fenced node2 .*sbd: off node2 -> exit 0 .*msgwait 2000 ms over");
    }

    /** Alive and not a zombie (this machine's PID 1 reaps late). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }


}
