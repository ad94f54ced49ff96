package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.duplex.itests.lab.ProcessCpu;
import org.duplex.itests.lab.TwoNodeLab;
import org.duplex.itests.lab.TwoNodeLab.Outage;
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
 * Hot standby end to end, on the two-node lab that {@code scripts/demo.sh} also runs (scripts/lab/two-node.sh):
 * two Duplex nodes and a client in network namespaces, a public LAN, an interconnect, a serial null-modem
 * cable (socat pty pair), a shared lease file and a switch that fences. Group web = VIP + a small HTTP service.
 * The client asks the VIP every 10 ms which node serves it; every outage is recorded and printed
 * (target/it/two-node/outages.txt). The scenarios run in order on the same pair, as an operator's day would.
 * Numbers are the scenarios, run in the order 1, 2, 4, 5, 3 (3 bans a node, so it comes last):
 * <ol>
 *   <li>node1 (active) loses its links and its JVM is SIGKILLed: node2 serves at the same VIP; node1 rejoins
 *       without disturbing the service (failback=manual);</li>
 *   <li>planned switchover back to node1, typed on the node that is not the coordinator;</li>
 *   <li>(4) only the interconnect (cluster + UDP heartbeat) is cut, the serial link stays: no failover, no outage;</li>
 *   <li>(5) node1's JVM is frozen (SIGSTOP) past the dead time, then resumed: node2 fences it and takes over, never
 *       two nodes serving the VIP;</li>
 *   <li>(3) the service process alone is killed: restarted locally twice, the third failure moves the group;</li>
 *   <li>a 350 ms pause of the active JVM (SIGSTOP) changes nothing (no epoch, no decision, no gap);</li>
 *   <li>after all that, once the JIT has settled (or 2 minutes passed), the idle pair uses at most 2 % of a core
 *       per JVM over 30 s without the JIT compiler threads (and never 25 %: a spinning thread);</li>
 *   <li>a 900 ms pause gets the active node fenced (the documented limit lies between 400 and 650 ms with the
 *       default heartbeat timing).</li>
 * </ol>
 * Timing is printed, not asserted (scripts/bench/failover.sh measures it); what is asserted is who serves and
 * that no two nodes ever do. Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeFailoverIT {

    /** Per JVM, over 30 s: a spinning thread alone is 50-100 %. */
    private static final double SPIN_LIMIT_PERCENT = 25.0;
    /** Per JVM, over 30 s, without the JIT compiler threads (the runtime-health goal for an idle pair). */
    private static final double IDLE_GOAL_PERCENT = 2.0;
    private static final int IDLE_WINDOWS = 4;
    private static final double WAKEUP_BUDGET_PER_SECOND = 150;

    private TwoNodeLab lab;
    private final List<String> record = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: TwoNodeFailoverIT needs root and iproute2 to create network namespaces (CI runs as root)");
        for (String tool : List.of("/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: TwoNodeFailoverIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "two-node");
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work, "dx2-");
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            Files.write(lab.dir().resolve("outages.txt"), record);
            record.forEach(System.out::println);
            lab.down();
        }
    }

    @Test
    @Order(1)
    void killingTheActiveNodeMovesTheServiceToTheStandbyAtTheSameAddress() throws Exception {
        assertThat(lab.served()).isEqualTo("node1");
        try (var probe = lab.probe("s1 kill node1")) {
            lab.run("kill", "node1");
            lab.awaitServedBy("node2", "node2 takes the service over at the same VIP");
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 1: unplanned failover (node1 link down + SIGKILL)", seen);
            assertThat(seen.answeredBy()).containsExactly("node1", "node2");
        }
        // node1 comes back (as after a reboot): failback=manual, so the service must not even blink.
        try (var probe = lab.probe("s1b rejoin")) {
            String since = now();
            lab.run("start", "node1");
            lab.awaitBothInView();
            assertThat(lab.served()).isEqualTo("node2");
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 1b: node1 rejoins", seen);
            assertThat(seen.answeredBy()).containsExactly("node2");
            assertThat(startsAndStops(since)).as("the rejoin of node1 made the engine stop or start web").isEmpty();
        }
    }

    @Test
    @Order(2)
    void plannedSwitchoverBackToNode1() throws Exception {
        try (var probe = lab.probe("s2 switchover")) {
            // typed on the node that is not the coordinator: forwarded to it and answered (issue 15)
            String coordinator = lab.coordinator();
            String other = coordinator.equals("node1") ? "node2" : "node1";
            String out = lab.client(other, "ha:switchover web node1");
            assertThat(out).contains("forwarded to the coordinator " + coordinator)
                    .contains("web switched over from node2 to node1");
            lab.awaitServedBy("node1", "node1 serves after the switchover");
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 2: planned switchover node2 -> node1 typed on " + other + " (Duplex reported: "
                    + out.lines().filter(l -> l.contains("switched over")).findFirst().orElse(firstLine(out)) + ")",
                    seen);
            assertThat(seen.answeredBy()).containsExactly("node2", "node1");
        }
    }

    @Test
    @Order(3)
    void cuttingOnlyTheInterconnectWhileTheSerialLinkLivesCausesNoFailover() throws Exception {
        try (var probe = lab.probe("s4 cut"); var watch = lab.watchVip()) {
            String since = now();
            lab.run("cut", "node1");
            await("node2 sees node1 alive on the serial link only").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> lab.client("node2", "ha:status").matches("(?s).*node1 .*PARTITIONED.*serial0=UP.*"));
            // The split is decided once node1 holds quorum alone on its lease and node2 has none: from then on
            // node2 cannot start anything, so checking afterwards is not a matter of waiting long enough.
            await("the lease decides the split for node1").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() ->
                            lab.client("node1", "ha:status").contains("Quorum:      yes (1 of 2 votes")
                            && lab.client("node2", "ha:status").contains("Quorum:      NO"));
            assertThat(lab.served()).isEqualTo("node1");
            lab.run("heal", "node1");
            lab.awaitBothInView();
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 4: interconnect cut, serial up (expect none)", seen);
            assertThat(seen.answeredBy()).containsExactly("node1");
            assertThat(startsAndStops(since)).as("web stopped or started although node1 never failed").isEmpty();
            assertThat(watch.stop()).as("VIP seen on node2 while node1 served").isEmpty();
        }
    }

    @Test
    @Order(4)
    void freezingTheActiveNodeNeverLeavesTwoNodesServingTheVip() throws Exception {
        try (var probe = lab.probe("s5 freeze"); var watch = lab.watchVip()) {
            lab.run("freeze", "node1");
            lab.awaitServedBy("node2", "node2 fences the frozen node1 and takes over");
            assertThat(lab.fenceStatus("node1")).as("node1's switch ports after the takeover").isEqualTo("off");
            lab.run("thaw", "node1");
            // node1 wakes up cut off by the fence: its lease has expired on its own clock, it must give up the VIP.
            await("the thawed node1 drops the VIP").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !lab.hasVip("node1"));
            lab.run("fence", "on", "node1"); // the operator unfences it after checking it
            lab.awaitBothInView();
            assertThat(lab.served()).isEqualTo("node2");
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 5: node1 frozen (SIGSTOP), fenced, resumed", seen);
            assertThat(seen.answeredBy()).containsExactly("node1", "node2");
            assertThat(watch.stop()).as("moments when both nodes served the VIP").isEmpty();
        }
    }

    @Test
    @Order(5)
    void killingOnlyTheServiceRestartsItLocallyUntilTheMigrationThreshold() throws Exception {
        try (var probe = lab.probe("s3 service kills")) {
            long restartsBefore = restartsOfWebOn("node2");
            for (int failure = 1; failure <= 2; failure++) {
                lab.run("kill-app", "node2");
                long expected = restartsBefore + failure;
                // one restart per kill: the restart started (not merely decided) and the new process answering
                await("local restart " + failure).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> restartsOfWebOn("node2") >= expected && "node2".equals(lab.served()));
            }
            assertThat(restartsOfWebOn("node2")).as("restarts of web on node2 after two kills (one each)\n"
                    + lab.client("node2", "ha:history -n 40 web")).isEqualTo(restartsBefore + 2);
            lab.run("kill-app", "node2");
            lab.awaitServedBy("node1", "the third failure moves web to node1 (migration-threshold=3)");
            TwoNodeLab.Report seen = probe.stop();
            note("scenario 3: service killed 3 times (2 local restarts, then failover)", seen);
            assertThat(seen.answeredBy()).containsExactly("node2", "node1");
            assertThat(lab.client(lab.coordinator(), "ha:history web")).contains("node2 is banned");
        }
    }

    /**
     * A pause of the active JVM (GC, VM stun, SIGSTOP) shorter than the heartbeat's dead time minus one send
     * interval (600 - 200 = 400 ms by default) can never be taken for a death: the peer hears a frame less than
     * dead.ms before the pause ended. This one, 350 ms, must change nothing at all.
     */
    @Test
    @Order(6)
    void aPauseJustBelowTheDeadTimeChangesNothing() throws Exception {
        lab.awaitBothInView();
        String active = lab.served();
        String since = now();
        Map<String, String> epochs = epochs();
        try (var probe = lab.probe("pause 350 ms")) {
            lab.run("pause", active, "350");
            Thread.sleep(3000); // anything the pause set off (suspicion, view change, fence) happens within this
            TwoNodeLab.Report seen = probe.stop();
            note("pause of " + active + " for 350 ms (just below the 400 ms that can never be taken for death)", seen);
            assertThat(seen.answeredBy()).containsExactly(active);
        }
        assertThat(epochs()).as("fencing epochs after a 350 ms pause").isEqualTo(epochs);
        assertThat(lab.fenceStatus(active)).isEqualTo("on");
        assertThat(startsAndStops(since)).as("decisions caused by a 350 ms pause").isEmpty();
    }

    /**
     * After the day's failovers, switchovers, freezes and rejoins, an idle pair must be idle. JGroups 5.5.2's
     * per-destination bundler once spun a whole core per node here after a view change: any JVM over 25 % of a core
     * over 30 s fails at once. The runtime-health goal is then held: **at most 2 % of a core per JVM over 30 s**,
     * not counting the JIT compiler threads, which compile for minutes what the scenarios ran (a transient of a young
     * JVM, not a cost of idling: 0.5-0.8 % here two minutes after the scenarios, near 0 after ten). Up to four 30 s
     * windows are measured and one in which both JVMs are within the goal passes, so a GC or a compile burst in one
     * window does not fail the build while a steady cost over 2 % fails every window. The wake-ups (voluntary context
     * switches), which are what an idle node's CPU is made of, are held to a budget in every window: about 60-90 a
     * second per node (two heartbeat links each way, the lease, JGroups' timers), 150 allowed. Each window prints
     * the CPU shares, the busiest threads and how busy the rest of the machine was.
     */
    @Test
    @Order(7)
    void anIdlePairUsesAlmostNoCpu() throws Exception {
        lab.awaitBothInView();
        awaitJitSettled();
        List<String> last = List.of();
        for (int window = 1; window <= IDLE_WINDOWS; window++) {
            Map<String, ProcessCpu.Snapshot> before = new LinkedHashMap<>();
            for (String n : List.of("node1", "node2")) {
                before.put(n, ProcessCpu.snapshot(lab.jvmPid(n)));
            }
            long machineBefore = ProcessCpu.machineBusyTicks();
            long t0 = System.nanoTime();
            Thread.sleep(30_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, ProcessCpu.Snapshot> after = new LinkedHashMap<>();
            for (var e : before.entrySet()) {
                after.put(e.getKey(), ProcessCpu.snapshot(e.getValue().pid()));
            }
            long jvmTicks = 0;
            for (var e : before.entrySet()) {
                jvmTicks += after.get(e.getKey()).ticks() - e.getValue().ticks();
            }
            double othersPercent = (ProcessCpu.machineBusyTicks() - machineBefore - jvmTicks) * 0.01 / seconds * 100;
            record.add(String.format("idle window %d: the rest of the machine used %.1f %% of a core meanwhile", window,
                    othersPercent));
            List<String> spinning = new ArrayList<>();
            List<String> overGoal = new ArrayList<>();
            for (var e : before.entrySet()) {
                ProcessCpu.Snapshot a = after.get(e.getKey());
                double pct = a.percentOfACoreSince(e.getValue());
                double withoutJit = a.percentOfACoreSince(e.getValue(), t -> !t.contains("CompilerThre"));
                double wakeups = a.wakeupsPerSecondSince(e.getValue());
                String line = String.format("idle %s: %.2f %% of a core, %.2f %% without the JIT compiler threads,"
                        + " %.0f wake-ups/s over 30 s; busiest threads %s", e.getKey(), pct, withoutJit, wakeups,
                        a.busiestSince(e.getValue(), 6));
                record.add(line);
                if (pct > SPIN_LIMIT_PERCENT || wakeups > WAKEUP_BUDGET_PER_SECOND) {
                    spinning.add(line);
                }
                if (withoutJit > IDLE_GOAL_PERCENT) {
                    overGoal.add(line);
                }
            }
            assertThat(spinning).as("idle JVMs over " + SPIN_LIMIT_PERCENT + " % of a core or "
                    + WAKEUP_BUDGET_PER_SECOND + " wake-ups a second").isEmpty();
            if (overGoal.isEmpty()) {
                return;
            }
            last = overGoal;
        }
        assertThat(last).as("idle JVMs over " + IDLE_GOAL_PERCENT + " % of a core (without the JIT compiler threads)"
                + " in each of " + IDLE_WINDOWS + " windows of 30 s").isEmpty();
    }

    /**
     * A pause longer than the dead time plus the detector's tick (650 ms by default) is a death for the peer: it
     * excludes the paused node, fences it (the lease holder stalled and left the view) and takes over. The thawed
     * node finds itself fenced and must not serve.
     *
     * <p>How far above 650 ms a pause must be to be caught is a timing figure, not a rule: the view change and the
     * lease's stall check each wait for a tick or a read, and on a loaded 2-core runner a 900 ms pause was once
     * over before the survivor saw the lease stall (it then correctly did nothing: the holder renewed, rejoined).
     * So the pause grows (900, 1,300, 2,000 ms) until one is caught; every pause that is not caught must have
     * changed nothing, and no pause may ever leave both nodes serving.
     */
    @Test
    @Order(8)
    void aPauseJustAboveTheDeadTimeGetsTheNodeFenced() throws Exception {
        lab.awaitBothInView();
        String active = lab.served();
        String other = active.equals("node1") ? "node2" : "node1";
        try (var watch = lab.watchVip()) {
            List<String> missed = new ArrayList<>();
            String caught = null;
            for (int ms : new int[] {900, 1300, 2000}) {
                String since = now();
                lab.run("pause", active, Integer.toString(ms));
                try {
                    await("the survivor fences " + active + " after a " + ms + " ms pause").atMost(Duration.ofSeconds(5))
                            .pollInterval(Duration.ofMillis(200)).until(() -> lab.fenceStatus(active).equals("off"));
                    caught = ms + " ms";
                    break;
                } catch (org.awaitility.core.ConditionTimeoutException notCaught) {
                    lab.awaitBothInView();
                    assertThat(startsAndStops(since)).as("decisions after a " + ms + " ms pause that was not fenced")
                            .isEmpty();
                    missed.add(ms + " ms");
                }
            }
            assertThat(caught).as("a pause of " + active + " fenced by " + other + " (missed: " + missed + ")")
                    .isNotNull();
            await(active + " gives up the VIP once it finds itself fenced").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> !lab.servesVip(active));
            assertThat(watch.stop()).as("moments when both nodes served the VIP").isEmpty();
            record.add("pause of " + active + " for " + caught + " (above the 650 ms dead time + tick): fenced by "
                    + other + (missed.isEmpty() ? "" : "; shorter pauses not caught, and harmless: " + missed));
        }
        lab.run("fence", "on", active); // the operator unfences it after checking it
        lab.awaitBothInView();
    }

    /**
     * A node-health monitor drives failover (issue 14): the ping plug-in, installed on both running nodes and bound
     * {@code on=node} to web against the client's address on the public LAN. Cutting the active node's public port
     * only (interconnect and serial up: the node lives, no fence) makes it ineligible for web, which moves to the
     * other node; healing the port lifts the ban (failback is manual, so web stays). The goal is interval x count
     * + 1 s from the cut (3 s here); the time is recorded, and the bound asserted is the goal plus 5 s for a loaded
     * runner.
     */
    @Test
    @Order(9)
    void aNodeThatLosesItsPublicNetworkGivesUpTheGroup() throws Exception {
        lab.awaitBothInView();
        String installed = lab.client("node1", "ha:plugin-install duplex-plugin-ping");
        assertThat(installed).as("ha:plugin-install's per-node report").contains("node1", "node2")
                .doesNotContain("FAILED", "UNREACHABLE");
        for (String n : List.of("node1", "node2")) {
            await("the ping monitor type on " + n).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lab.client(n, "ha:monitors").contains("ping"));
        }
        String active = lab.served();
        String other = active.equals("node1") ? "node2" : "node1";
        // the earlier scenarios' failures (service kills) may have banned a node from web: start from a clean slate
        lab.client(active, "ha:cleanup app");
        lab.client(active, "ha:cleanup vip");
        String added = lab.client(active, "ha:monitor-add gw ping on=node target=web interval=1s timeout=400ms count=2"
                + " host=10.77.1.100");
        assertThat(added).doesNotContainIgnoringCase("error");
        await("gw healthy on both nodes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String show = lab.client(active, "ha:monitor-show gw");
                    return show.contains("node1: HEALTHY") && show.contains("node2: HEALTHY");
                });
        assertThat(lab.client(active, "ha:status")).containsPattern("gw +ping on=node web +healthy on node1, node2");
        String since = now();
        long t0 = System.nanoTime();
        lab.run("cut-lan", active);
        try {
            lab.awaitServedBy(other, other + " takes web once " + active + " cannot reach the LAN's gateway");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            record.add("node-health monitor (ping, interval 1 s x count 2): " + active + "'s public port cut, web"
                    + " served by " + other + " after " + ms + " ms (goal 3000 ms)");
            assertThat(lab.client(other, "ha:history -n 200 web")).contains("fails a node-health check of web");
            assertThat(lab.client(other, "ha:status")).contains(active + ": FAILED");
            assertThat(lab.client(other, "ha:history -n 200").lines()
                    .filter(l -> l.length() > 23 && l.substring(0, 23).compareTo(since) >= 0)
                    .filter(l -> l.contains("fencing " + active) || l.contains("fenced " + active)))
                    .as("a live node that lost its LAN is not fenced").isEmpty();
            assertThat(ms).as("cut to served elsewhere, ms").isLessThan(3000 + 5000);
        } finally {
            lab.run("heal-lan", active);
        }
        await(active + " eligible again after its port is back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !lab.client(other, "ha:group-show web").contains("NOT ELIGIBLE " + active));
        assertThat(lab.served()).as("failback is manual").isEqualTo(other);
        assertThat(startsAndStops(since)).as("one move, no flapping").hasSize(4);
        lab.client(other, "ha:monitor-remove gw");
    }

    /**
     * A resource monitor from a plug-in installed on the running cluster drives the group's policy (issue 14): the
     * app plug-in's {@code script} monitor, bound {@code on=resource} to web's app, reports the service sick on the
     * node named in a flag file. With the default migration-threshold of 3 the engine restarts app in place twice,
     * and the third failure moves web to the other node, where the check passes.
     */
    @Test
    @Order(10)
    void aPluginMonitorRestartsInPlaceThenMovesAtTheThreshold() throws Exception {
        lab.awaitBothInView();
        String installed = lab.client("node1", "ha:plugin-install duplex-plugin-app");
        assertThat(installed).contains("node1", "node2").doesNotContain("FAILED", "UNREACHABLE");
        String active = lab.served();
        String other = active.equals("node1") ? "node2" : "node1";
        Path flag = lab.dir().resolve("app-sick-on");
        Path check = lab.dir().resolve("app-check.sh");
        Files.deleteIfExists(flag);
        Files.writeString(check, """
                #!/bin/sh
                # OCF contract: 0 = running, 7 = not running. Sick where eth0 holds the address in the flag file.
                f=$OCF_RESKEY_flag
                if [ -s "$f" ] && ip -o -4 addr show dev eth0 | grep -q "inet $(cat "$f")/"; then
                    echo "app answers 500 here (flagged by the test)"; exit 7
                fi
                exit 0
                """);
        check.toFile().setExecutable(true);
        lab.client(active, "ha:cleanup app");
        assertThat(lab.client(active, "ha:monitor-add appcheck script on=resource target=app interval=1s timeout=2s"
                + " count=2 script=" + check + " flag=" + flag)).doesNotContainIgnoringCase("error");
        await("appcheck healthy where app runs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> lab.client(active, "ha:monitor-show appcheck").contains(active + ": HEALTHY"));
        String since = now();
        Files.writeString(flag, active.equals("node1") ? "10.77.1.1" : "10.77.1.2");
        try {
            lab.awaitServedBy(other, "web moves to " + other + " at the third monitor failure on " + active);
        } finally {
            Files.deleteIfExists(flag);
        }
        List<String> decisions = new ArrayList<>();
        for (String n : List.of("node1", "node2")) {
            lab.client(n, "ha:history -n 1000 web").lines()
                    .filter(l -> l.length() > 23 && l.substring(0, 23).compareTo(since) >= 0 && l.contains(" decision "))
                    .forEach(decisions::add);
        }
        record.add("plug-in monitor (script, on=resource, count 2): " + decisions.stream()
                .filter(l -> l.contains("start web/app")).count() + " starts of app after " + active + " was flagged");
        assertThat(decisions).as("two restarts in place, quoting the monitor")
                .filteredOn(l -> l.contains("start web/app on " + active) && l.contains("monitor appcheck")).hasSize(2);
        assertThat(decisions).as("then the move, at the threshold")
                .anyMatch(l -> l.contains("start web/app on " + other));
        lab.client(other, "ha:monitor-remove appcheck");
        lab.client(other, "ha:cleanup app");
    }

    /**
     * A disk-full monitor on a small real filesystem (issue 14): each lab node has its own 16 MiB ext4 at the same
     * path, /etc/duplex-lab-data (scripts/lab/two-node.sh: iproute2's per-namespace /etc). The os plug-in, installed
     * on the running cluster, watches it {@code on=node} for web; filling the active node's disk moves web to the
     * other node with the monitor's own reason, the node is not fenced, and emptying the disk makes it eligible
     * again (no failback: manual).
     */
    @Test
    @Order(11)
    void aFullDataDiskMovesTheGroupToTheOtherNode() throws Exception {
        lab.awaitBothInView();
        String installed = lab.client("node1", "ha:plugin-install duplex-plugin-os");
        assertThat(installed).contains("node1", "node2").doesNotContain("FAILED", "UNREACHABLE");
        for (String n : List.of("node1", "node2")) {
            await("the disk monitor type on " + n).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lab.client(n, "ha:monitors").contains("disk"));
        }
        String active = lab.served();
        String other = active.equals("node1") ? "node2" : "node1";
        lab.client(active, "ha:cleanup app");
        lab.client(active, "ha:cleanup vip");
        assertThat(lab.client(active, "ha:monitor-add datafull disk on=node target=web interval=1s timeout=2s count=2"
                + " path=/etc/duplex-lab-data max-used=90")).doesNotContainIgnoringCase("error");
        await("datafull healthy on both nodes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String show = lab.client(active, "ha:monitor-show datafull");
                    return show.contains("node1: HEALTHY") && show.contains("node2: HEALTHY");
                });
        String since = now();
        long t0 = System.nanoTime();
        lab.run("fill-disk", active);
        try {
            lab.awaitServedBy(other, other + " takes web once " + active + "'s data disk is full");
            record.add("node-health monitor (disk, interval 1 s x count 2): " + active + "'s data disk filled, web"
                    + " served by " + other + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(lab.client(other, "ha:history -n 200 web")).contains("fails a node-health check of web")
                    .containsPattern("disk /etc/duplex-lab-data [0-9.]+ ?% full, limit 90");
            assertThat(lab.client(other, "ha:monitor-show datafull")).contains(other + ": HEALTHY");
            assertThat(lab.client(other, "ha:history -n 200").lines()
                    .filter(l -> l.length() > 23 && l.substring(0, 23).compareTo(since) >= 0)
                    .filter(l -> l.contains("fencing " + active) || l.contains("fenced " + active)))
                    .as("a live node with a full disk is not fenced").isEmpty();
        } finally {
            lab.run("free-disk", active);
        }
        await(active + " eligible again after its disk is emptied").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !lab.client(other, "ha:group-show web").contains("NOT ELIGIBLE " + active));
        assertThat(lab.served()).as("failback is manual").isEqualTo(other);
        lab.client(other, "ha:monitor-remove datafull");
    }

    /**
     * The scenarios above ran new code paths that the JIT compiles for a while afterwards (at an idle node's call
     * rates, minutes): wait, at most 2 minutes, until both JVMs' compiler threads use under 0.2 % of a core over
     * 10 s, so the measurement that follows is of the idle node, not of its warm-up.
     */
    /**
     * Starts of web's app on {@code node} that a local restart decided, as ha:history records them on either node
     * (the coordinator records its decisions; a line seen on both counts once).
     */
    private long restartsOfWebOn(String node) throws Exception {
        Set<String> starts = new HashSet<>();
        for (String n : List.of("node1", "node2")) {
            lab.client(n, "ha:history -n 1000 web").lines()
                    .filter(l -> l.contains("start web/app on " + node) && l.contains("web restarted on " + node))
                    .forEach(starts::add);
        }
        return starts.size();
    }

    private void awaitJitSettled() throws Exception {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            Map<String, ProcessCpu.Snapshot> a = new LinkedHashMap<>();
            for (String n : List.of("node1", "node2")) {
                a.put(n, ProcessCpu.snapshot(lab.jvmPid(n)));
            }
            Thread.sleep(10_000);
            double compilers = 0;
            for (var e : a.entrySet()) {
                compilers = Math.max(compilers, ProcessCpu.snapshot(e.getValue().pid())
                        .percentOfACoreSince(e.getValue(), t -> t.contains("CompilerThre")));
            }
            if (compilers < 0.2) {
                return;
            }
        }
    }

    private Map<String, String> epochs() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : List.of("node1", "node2")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Epoch: +(\\d+)").matcher(lab.client(n, "ha:status"));
            out.put(n, m.find() ? m.group(1) : "?");
        }
        return out;
    }

    private static String now() {
        return java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
    }

    /**
     * Decisions to start or stop a member of web recorded at or after {@code since} (UTC, the nodes share this
     * host's clock) in either node's history. Judged from the engine's own record rather than from the probe, so
     * a loaded machine's slow answer cannot pass for an outage here.
     */
    private List<String> startsAndStops(String since) throws Exception {
        List<String> found = new ArrayList<>();
        for (String n : List.of("node1", "node2")) {
            lab.client(n, "ha:history -n 1000 web").lines()
                    .filter(l -> l.length() > 23 && l.substring(0, 23).compareTo(since) >= 0)
                    .filter(l -> l.contains(" decision ") && l.matches(".*\\b(start|stop) web/.*"))
                    .forEach(l -> found.add(n + ": " + l));
        }
        return found;
    }

    private void note(String scenario, TwoNodeLab.Report seen) {
        List<Outage> outages = seen.outages();
        record.add(scenario + ": answered by " + seen.answeredBy() + "; " + (outages.isEmpty() ? "no outage"
                : outages.stream().map(Outage::toString).reduce((a, b) -> a + "; " + b).orElseThrow()));
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").trim();
    }



}
