package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ipmi device against a real BMC: OpenIPMI's {@code ipmi_sim} on loopback, spoken to by the real
 * {@code ipmitool} over IPMI v2.0 lanplus. The simulator's chassis power control is wired
 * ({@code chassis_control} in its lan.conf) to a script that powers a "node" process: power off sends it SIGTERM,
 * the status is whether it still runs. The node takes a while to die, so "off" is confirmed only by the read-back.
 * Needs ipmi_sim and ipmitool (scripts/install-deps.sh); skipped loudly without them unless root (CI runs as root
 * with them installed, and there a missing tool is a failure).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpmiSimFenceTest {

    private static final NodeId N1 = NodeId.of("node1");

    private Path dir;
    private int port;
    private Process sim;
    private Path pw;

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path write(String name, String text, String mode) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @BeforeAll
    void startSimulatedBmc() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        for (String t : List.of("ipmi_sim", "ipmitool")) {
            if (!onPath(t)) {
                if (root) {
                    fail("'" + t + "' is not installed; as root this test must run (run scripts/install-deps.sh)");
                }
                assumeTrue(false, "SKIPPED LOUDLY: '" + t + "' is not installed (run scripts/install-deps.sh)");
            }
        }
        dir = Files.createTempDirectory("duplex-ipmi-sim");
        port = freeUdpPort();
        String d = dir.toString();
        // the node: alive while this runs; on SIGTERM it takes die-delay seconds to go (a slow shutdown)
        write("node.sh", "#!/bin/sh\necho $$ > " + d + "/node.pid\n"
                + "trap 'echo power-off >> " + d + "/events; sleep $(cat " + d + "/die-delay); rm -f " + d
                + "/node.pid; exit 0' TERM\n"
                + "while :; do sleep 1 & wait $!; done\n", "rwxr-xr-x");
        // ipmi_sim's chassis_control: $1 = MC address, then get PARM... | set PARM VALUE...
        write("chassis.sh", "#!/bin/sh\nshift\nop=$1; shift\n"
                + "alive() { [ -f " + d + "/node.pid ] && kill -0 \"$(cat " + d + "/node.pid)\" 2>/dev/null; }\n"
                + "case $op in\n"
                + "  get) for p in \"$@\"; do case $p in power) if alive; then echo power:1; else echo power:0; fi;;"
                + " esac; done ;;\n"
                + "  set) while [ $# -ge 2 ]; do case $1 in power)\n"
                + "        echo \"set power $2\" >> " + d + "/events\n"
                + "        if [ \"$2\" = 0 ]; then alive && kill -TERM \"$(cat " + d + "/node.pid)\";\n"
                + "        else alive || setsid " + d + "/node.sh </dev/null >/dev/null 2>&1 & fi ;; esac; shift 2;"
                + " done ;;\n"
                + "esac\nexit 0\n", "rwxr-xr-x");
        write("lan.conf", "name \"duplex-test\"\nset_working_mc 0x20\n  startlan 1\n    addr 127.0.0.1 " + port
                + "\n    priv_limit admin\n"
                + "    allowed_auths_callback none md2 md5 straight\n    allowed_auths_user none md2 md5 straight\n"
                + "    allowed_auths_operator none md2 md5 straight\n    allowed_auths_admin none md2 md5 straight\n"
                + "    guid a123456789abcdefa123456789abcdef\n  endlan\n"
                + "  chassis_control \"" + d + "/chassis.sh 0x20\"\n"
                + "  user 2 true  \"fence\" \"s3cret-pw\" operator 10 none md2 md5 straight\n", "rw-------");
        write("emu.cmds", "mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n"
                + "mc_enable 0x20\n", "rw-------");
        Files.createDirectories(dir.resolve("state"));
        pw = write("ipmi.pass", "s3cret-pw\n", "rw-------");
        sim = new ProcessBuilder("ipmi_sim", "-c", d + "/lan.conf", "-f", d + "/emu.cmds", "-s", d + "/state", "-n")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sim.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        IpmiFenceDevice probe = device();
        for (int i = 0; i < 50; i++) {
            if (probe.run(FenceAction.STATUS, N1).exit() != IpmiFenceDevice.FAILED && sim.isAlive()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("ipmi_sim did not answer on 127.0.0.1:" + port + ": " + Files.readString(dir.resolve("sim.log")));
    }

    @BeforeEach
    void nodePoweredOn() throws Exception {
        Files.writeString(dir.resolve("die-delay"), "1");
        if (!nodeAlive()) {
            new ProcessBuilder("setsid", dir.resolve("node.sh").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            // a bound, not a pace: 2.5 s was once too short when two builds shared this machine's two cores
            await("the simulated node's shell is up").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(this::nodeAlive);
        }
        assertThat(nodeAlive()).isTrue();
    }

    @AfterAll
    void stop() throws Exception {
        if (sim != null) {
            sim.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (dir != null) {
            nodePid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private java.util.Optional<Long> nodePid() throws Exception {
        Path p = dir.resolve("node.pid");
        if (!Files.exists(p)) {
            return java.util.Optional.empty();
        }
        String s = Files.readString(p).trim();
        return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(s));
    }

    private boolean nodeAlive() throws Exception {
        return nodePid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    private IpmiFenceDevice device(String... extra) {
        Map<String, String> m = new HashMap<>(Map.of("name", "ipmi", "type", "ipmi", "nodes", "node1",
                "bmc.node1", "127.0.0.1:" + port, "user", "fence", "password.file", pw.toString(),
                "timeout", "6s", "poll.interval", "200ms", "lan.timeout", "1s", "retries", "1"));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return new IpmiFenceDevice(FenceDeviceConfig.parse(m));
    }

    @Test
    void powersTheNodeOffConfirmedByReadingBackThenOnAgain() throws Exception {
        IpmiFenceDevice d = device();
        long pid = nodePid().orElseThrow();
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("on");

        FenceResult off = d.run(FenceAction.OFF, N1);

        assertThat(off.ok()).as(off.describe()).isTrue();
        assertThat(ProcessHandle.of(pid)).as("the node process is really gone").isEmpty();
        assertThat(off.output()).contains("power off requested (Chassis Power Control: Down/Off)")
                .containsPattern("confirmed off by reading the status back \\(([2-9]|\\d\\d) reads\\)");
        assertThat(off.elapsed()).as("the node took 1 s to die: off was not assumed at the request")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(Files.readAllLines(dir.resolve("events"))).contains("set power 0", "power-off");
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("off");

        FenceResult on = d.run(FenceAction.ON, N1);
        assertThat(on.ok()).as(on.describe()).isTrue();
        assertThat(nodeAlive()).isTrue();
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("on");
    }

    @Test
    void aNodeThatDoesNotGoOffIsNotFencedAndTheActionEndsAtTheTimeout() throws Exception {
        Files.writeString(dir.resolve("die-delay"), "30");
        IpmiFenceDevice d = device("timeout", "2s");

        FenceResult off = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> d.run(FenceAction.OFF, N1));

        assertThat(off.ok()).isFalse();
        assertThat(off.timedOut()).isTrue();
        assertThat(off.elapsed()).isLessThanOrEqualTo(Duration.ofMillis(2500));
        assertThat(off.output()).contains("NOT confirmed off").contains("still says on");
        nodePid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void aWrongPasswordIsAClearErrorAndPowersNothing() throws Exception {
        Path wrong = write("wrong.pass", "not-it\n", "rw-------");
        IpmiFenceDevice d = device("password.file", wrong.toString());

        FenceResult off = d.run(FenceAction.OFF, N1);

        assertThat(off.ok()).isFalse();
        assertThat(off.timedOut()).isFalse();
        assertThat(off.output()).contains("refused the password for user 'fence'").contains(wrong.toString())
                .doesNotContain("not-it");
        assertThat(nodeAlive()).isTrue();
    }

    @Test
    void anUnreachableBmcTimesOutWithinTheConfiguredBoundAndNeverHangs() throws Exception {
        int silent = freeUdpPort();
        IpmiFenceDevice d = device("bmc.node1", "127.0.0.1:" + silent, "timeout", "2s", "retries", "10");

        long t0 = System.nanoTime();
        FenceResult off = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> d.run(FenceAction.OFF, N1));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(off.ok()).isFalse();
        assertThat(took).isLessThan(Duration.ofMillis(3000));
        assertThat(off.output()).contains("127.0.0.1:" + silent).contains("bmc.node1");
    }
}
