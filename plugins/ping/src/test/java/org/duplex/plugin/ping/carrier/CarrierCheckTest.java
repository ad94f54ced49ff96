package org.duplex.plugin.ping.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarrierCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path sys;

    private void iface(String name, String flags, String carrier, String operstate) throws IOException {
        Path dir = Files.createDirectories(sys.resolve(name));
        if (flags != null) {
            Files.writeString(dir.resolve("flags"), flags + "\n");
        }
        if (carrier != null) {
            Files.writeString(dir.resolve("carrier"), carrier + "\n");
        }
        Files.writeString(dir.resolve("operstate"), operstate + "\n");
    }

    private HealthStatus check(String iface) {
        return new CarrierCheck(sys).check(Map.of("interface", iface), TIMEOUT);
    }

    @Test
    void upWithCarrierIsHealthy() throws Exception {
        iface("eth0", "0x1003", "1", "up");
        iface("lo", "0x9", "1", "unknown");
        assertThat(check("eth0")).extracting(HealthStatus::health, HealthStatus::reason)
                .containsExactly(Health.HEALTHY, "eth0 has carrier (operstate up)");
        assertThat(check("lo").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void cableOutIsNoCarrier() throws Exception {
        iface("eth0", "0x1003", "0", "down");
        assertThat(check("eth0")).extracting(HealthStatus::health, HealthStatus::reason)
                .containsExactly(Health.UNHEALTHY, "eth0 has no carrier (operstate down)");
    }

    @Test
    void adminDownAndUnreadableCarrierAreDown() throws Exception {
        iface("eth1", "0x1002", null, "down");
        iface("eth2", null, null, "down");
        assertThat(check("eth1").reason()).isEqualTo("eth1 is administratively down (operstate down)");
        assertThat(check("eth2")).extracting(HealthStatus::health, HealthStatus::reason)
                .containsExactly(Health.UNHEALTHY, "eth2 is down (operstate down)");
    }

    @Test
    void carrierButDormantIsNotUp() throws Exception {
        iface("wlan0", "0x1003", "1", "dormant");
        assertThat(check("wlan0")).extracting(HealthStatus::health, HealthStatus::reason)
                .containsExactly(Health.UNHEALTHY, "wlan0 has carrier but is not up (operstate dormant)");
    }

    @Test
    void missingInterfaceIsUnhealthy() {
        assertThat(check("eth9")).extracting(HealthStatus::health, HealthStatus::reason)
                .containsExactly(Health.UNHEALTHY, "eth9: no such interface");
    }

    @Test
    void badParametersAreNamed() {
        CarrierCheck c = new CarrierCheck(sys);
        assertThat(c.validate(Map.of())).containsExactly(
                "interface: required (a network interface, for example interface=eth0)");
        assertThat(c.validate(Map.of("interface", "../etc"))).containsExactly(
                "interface: '../etc' is not an interface name (1-15 letters, digits, _ . : @ -)");
        assertThat(c.validate(Map.of("interface", ".."))).hasSize(1);
        assertThat(c.validate(Map.of("interface", "averyveryverylongname"))).hasSize(1);
        assertThat(c.validate(Map.of("interface", "eth0", "host", "x"))).containsExactly(
                "host: unknown parameter (carrier takes interface)");
        assertThat(c.check(Map.of(), TIMEOUT).health()).isEqualTo(Health.UNKNOWN);
    }

    /**
     * The real kernel: a veth pair in this (root) network namespace, read through the real /sys. One end down,
     * up without its peer (no carrier), then both up. The pair is deleted afterwards, also on failure.
     */
    @Test
    void realVethPairThroughRealSysfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: the real-interface carrier test needs root (CI runs as root)");
        assumeTrue(new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute()
                || new File("/usr/bin/ip").canExecute(), "SKIPPED LOUDLY: 'ip' is not installed (iproute2)");
        String a = "dxc" + (ProcessHandle.current().pid() % 10_000_000) + "a";
        String b = a.substring(0, a.length() - 1) + "b";
        ip("link", "del", a); // a leftover of a killed run; failure is fine
        assertThat(ip("link", "add", a, "type", "veth", "peer", "name", b)).isZero();
        try {
            CarrierCheck real = new CarrierCheck();
            Map<String, String> params = Map.of("interface", a);

            HealthStatus down = real.check(params, TIMEOUT);
            assertThat(down.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(down.reason()).isEqualTo(a + " is administratively down (operstate down)");

            assertThat(ip("link", "set", a, "up")).isZero();
            awaitOperstate(a, "lowerlayerdown");
            HealthStatus noCarrier = real.check(params, TIMEOUT);
            assertThat(noCarrier.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(noCarrier.reason()).isEqualTo(a + " has no carrier (operstate lowerlayerdown)");

            assertThat(ip("link", "set", b, "up")).isZero();
            awaitOperstate(a, "up");
            HealthStatus up = real.check(params, TIMEOUT);
            assertThat(up.health()).isEqualTo(Health.HEALTHY);
            assertThat(up.reason()).isEqualTo(a + " has carrier (operstate up)");

            assertThat(ip("link", "set", b, "down")).isZero();
            awaitOperstate(a, "lowerlayerdown");
            assertThat(real.check(params, TIMEOUT).reason()).isEqualTo(a + " has no carrier (operstate lowerlayerdown)");
        } finally {
            ip("link", "del", a);
        }
        assertThat(Files.exists(Path.of("/sys/class/net", a))).as("veth pair removed").isFalse();
    }

    /** The kernel updates operstate asynchronously (linkwatch, up to about a second); wait for it, bounded. */
    private static void awaitOperstate(String iface, String state) throws Exception {
        Path file = Path.of("/sys/class/net", iface, "operstate");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (seen.equals(state)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(iface + " operstate stayed '" + seen + "', expected '" + state + "'");
    }

    private static int ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
