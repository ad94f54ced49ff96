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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 * Issue 18's proof in the two-node lab: a VM as a resource and the nodes' VMs as their only fencing device, against
 * VMware's vSphere simulator. {@code scripts/lab/vmware.sh} puts vcsim on the lab's LAN as the vCenter (certificate
 * pinned by thumbprint), makes VMs {@code node1} / {@code node2} stand for the lab's nodes (a power-off of such a VM
 * kills that node before vSphere reports it off; a power-on boots it), installs the plug-in on both nodes through
 * {@code ha:plugin-install}, replaces the lab's switch fencing device by a {@code vmware} device, and adds
 * {@code app-vm} (VM {@code app01}, powered off beforehand) to group {@code web}. Driven as an operator would:
 * {@code bin/client} and the lab scripts; asserted on the console's answers, the VIP and vcsim's power history.
 * <ol>
 * <li>node1 runs the group: it powered app01 on and waited for its guest.</li>
 * <li>The host under node1 and app01 fails (node1 killed, app01 off): node2 has node1 fenced through vSphere
 * (VM node1 powered off), then powers app01 on; the VIP answers from node2.</li>
 * <li>node1's VM powered on again boots node1, which rejoins as standby; app01 is left alone.</li>
 * <li>node2 hangs (SIGSTOP): node1 powers node2's VM off through vSphere (which kills the hung JVM) and takes the
 * group over after the confirmed fence; app01 stays on.</li>
 * </ol>
 * Root only, with Go and Debian's govmomi source (vcsim is built offline) and socat; skips loudly otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmwareLabIT {

    private static final String PREFIX = "dxv-";
    private static final String ALL_RUNNING = "app-vm=running vip=running app=running";

    private TwoNodeLab lab;
    private final Map<String, Long> timings = new LinkedHashMap<>();
    private CompletableFuture<Void> nodeBack;
    private long t0;

    /** One power change vcsim made, as its hook logged it: time of day, VM, new state. */
    record Power(String time, String vm, String state) {
        @Override
        public String toString() {
            return time + " " + vm + " " + state;
        }
    }

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: VmwareLabIT needs root and iproute2 for the two-node lab (CI runs as root)");
        for (String tool : List.of("/usr/bin/go", "/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl",
                "/usr/share/gocode/src/github.com/vmware/govmomi/simulator")) {
            Assumptions.assumeTrue(Files.exists(Paths.get(tool)), "SKIPPED: VmwareLabIT needs " + tool
                    + " (scripts/install-deps.sh installs it: golang-go, golang-github-vmware-govmomi-dev, socat)");
        }
        t0 = System.nanoTime();
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "vmware-lab");
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work, PREFIX);
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
        lap("two-node lab up");
        TwoNodeLab.Result up = lab.script("vmware.sh", Duration.ofMinutes(5), "up");
        assertThat(up.exit()).as("vmware.sh up: " + up.out()).isZero();
        show("vmware.sh up", up.out());
        lap("vmware.sh up (vcsim, plug-in, fencing device, app-vm)");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab == null) {
            return;
        }
        if (nodeBack != null) {
            try { // never tear the lab down under a node that is still booting: its JVM would outlive the lab
                nodeBack.get(4, TimeUnit.MINUTES);
            } catch (Exception e) {
                System.out.println("VmwareLabIT: a node's restart failed: " + e);
            }
        }
        try {
            show("vcsim's power history", events().toString());
            TwoNodeLab.Result down = lab.script("vmware.sh", Duration.ofMinutes(1), "down");
            if (down.exit() != 0) {
                System.out.println("vmware.sh down exited " + down.exit() + ": " + down.out());
            }
        } finally {
            lab.down();
        }
        lap("torn down");
        timings.forEach((k, v) -> System.out.printf("VmwareLabIT %-60s at %5.1f s%n", k, v / 1000.0));
    }

    @Test
    @Order(1)
    void node1PowersTheVmOnWhenTheGroupStartsThere() throws Exception {
        awaitGroupOn("node1", Duration.ofSeconds(60));
        lab.awaitServedBy("node1", "web served by node1 with its VM");
        assertThat(vm("app01")).isEqualTo("poweredOn");
        assertThat(vm("node1")).isEqualTo("poweredOn");
        assertThat(vm("node2")).isEqualTo("poweredOn");
        // vmware.sh powered app01 off before the group took it: the power-on after that is node1's start
        assertThat(events()).extracting(Power::toString).last().asString().endsWith("app01 poweredOn");
        String list = lab.client("node1", "ha:fence-list");
        show("node1$ ha:fence-list", list);
        assertThat(list).contains("vc  type=vmware").doesNotContain("type=exec").doesNotContain("WARNING");
        assertThat(lab.client("node2", "ha:monitor-check vmware-vm-heartbeat " + endpoint() + " vm=DC0/vm/app01"))
                .as("the VM's heartbeat, asked from node2 through the console").startsWith("HEALTHY");
        lap("app-vm running on node1");
    }

    @Test
    @Order(2)
    void whenNode1sHostFailsNode2FencesNode1ThroughVsphereThenPowersTheVmOn() throws Exception {
        int before = events().size();
        // node1 and app01 lived on one ESXi host that lost power: node1 dies, app01 goes off with it
        lab.run("kill", "node1");
        vmCommand("off", "app01");
        awaitGroupOn("node2", Duration.ofSeconds(60));
        lab.awaitServedBy("node2", "web served by node2 after node1's host failed");
        lap("failover to node2 (fence through vSphere, VM powered on)");

        List<Power> after = events().subList(before, events().size());
        show("power changes since the host failure", after.toString());
        int fence = indexOf(after, "node1", "poweredOff");
        int vmOn = indexOf(after, "app01", "poweredOn");
        assertThat(fence).as("node2 had node1's VM powered off (the fence): " + after).isNotNegative();
        assertThat(vmOn).as("node2 powered app01 on after the confirmed fence: " + after).isGreaterThan(fence);
        assertThat(vm("node1")).isEqualTo("poweredOff");
        assertThat(vm("app01")).isEqualTo("poweredOn");
        String history = lab.client("node2", "ha:history");
        assertThat(history).as("node2's history names the fence of node1").contains("fenced node1");
        show("node2$ ha:history (tail)", tail(history, 12));
    }

    @Test
    @Order(3)
    void node1sVmPoweredOnBootsNode1WhichRejoinsAsStandby() throws Exception {
        int before = events().size();
        String since = HISTORY_TIME.format(java.time.Instant.now());
        vmCommand("on", "node1");
        // the hook boots node1 (two-node.sh start) one second after vSphere reports it on
        await("node1 booted by its VM's power-on").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> lab.client("node1", "ha:status").contains("Quorum:      yes"));
        lab.awaitBothInView();
        // node1's probe of app-vm ran: its plug-in registers after the failover bundle, and the probe waited for it
        await("node1 probed app-vm").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> historySince(since).stream()
                        .anyMatch(l -> l.matches(".*node1 +action +web/app-vm +probe.*")));
        assertThat(lab.client("node1", "ha:group-show web")).contains("on node2: " + ALL_RUNNING);
        // node1 was not fenced (a defensive stop failing while its plug-in was still starting used to get it fenced)
        assertThat(historySince(since)).noneMatch(l -> l.contains("fencing node1"));
        // only the power-on: app01 was not taken for a resource active on two nodes either
        assertThat(events().subList(before, events().size())).extracting(Power::toString)
                .singleElement().asString().endsWith("node1 poweredOn");
        lap("node1 back as standby");
    }

    @Test
    @Order(4)
    void aHungActiveNodeIsPoweredOffThroughVsphereAndTheStandbyTakesOver() throws Exception {
        int before = events().size();
        long hung = lab.jvmPid("node2");
        lab.run("freeze", "node2");
        awaitGroupOn("node1", Duration.ofSeconds(60));
        lab.awaitServedBy("node1", "web served by node1 after node2 hung");
        lap("takeover by node1 from the hung node2");

        List<Power> after = events().subList(before, events().size());
        show("power changes since node2 hung", after.toString());
        assertThat(indexOf(after, "node2", "poweredOff")).as("node1 had node2's VM powered off: " + after)
                .isNotNegative();
        assertThat(after).as("app01 untouched: node1's start found it on").noneMatch(p -> p.vm().equals("app01"));
        assertThat(running(hung)).as("the hung JVM of node2 (pid " + hung + ") is gone: the VM's power-off killed it")
                .isFalse();
        assertThat(lab.client("node1", "ha:history")).contains("fenced node2");
        assertThat(vm("app01")).isEqualTo("poweredOn");
        // node2 back, so the lab is torn down with both nodes in a known state
        nodeBack = CompletableFuture.runAsync(() -> {
            try {
                lab.run("start", "node2");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitGroupOn(String node, Duration atMost) {
        String[] last = {""};
        try {
            await("group web with app-vm, vip and app running on " + node).atMost(atMost)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                        last[0] = lab.client(node, "ha:group-show web");
                        return last[0].contains("on " + node + ": " + ALL_RUNNING);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("group web not running on " + node + "; last ha:group-show:\n" + last[0]
                    + "\n" + lab.diagnostics(), e);
        }
    }

    private String vm(String name) throws Exception {
        return vmCommand("state", name);
    }

    private String vmCommand(String what, String name) throws Exception {
        TwoNodeLab.Result r = lab.script("vmware.sh", Duration.ofSeconds(60), "vm", what, name);
        assertThat(r.exit()).as("vmware.sh vm " + what + " " + name + ": " + r.out()).isZero();
        return r.out().trim();
    }

    private String endpoint() throws Exception {
        return lab.script("vmware.sh", Duration.ofSeconds(10), "endpoint").out().trim();
    }

    private List<Power> events() throws Exception {
        List<Power> out = new ArrayList<>();
        for (String line : lab.script("vmware.sh", Duration.ofSeconds(10), "events").out().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3) {
                out.add(new Power(f[0], f[1], f[2]));
            }
        }
        return out;
    }

    /** The process exists and is not a zombie (a killed JVM stays one until its parent reaps it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final java.time.format.DateTimeFormatter HISTORY_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /** Both nodes' history lines stamped at or after {@code since} (each shows its own executor's entries). */
    private List<String> historySince(String since) throws Exception {
        String both = lab.client("node1", "ha:history") + "\n" + lab.client("node2", "ha:history");
        return List.of(both.split("\n")).stream()
                .filter(l -> l.length() > 23 && l.substring(0, 23).compareTo(since) >= 0).toList();
    }

    private static int indexOf(List<Power> events, String vm, String state) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).vm().equals(vm) && events.get(i).state().equals(state)) {
                return i;
            }
        }
        return -1;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private static void show(String what, String output) {
        System.out.println("---- " + what + "\n" + output.strip());
    }

    private void lap(String what) {
        timings.put(what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
