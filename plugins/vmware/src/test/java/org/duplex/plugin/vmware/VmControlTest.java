package org.duplex.plugin.vmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vmware-vm agent against a real vcsim: DC0_H0_VM0 has a guest whose tools come up 300 ms after power-on,
 * DC0_H0_VM1 never runs tools (-no-tools).
 */
@Timeout(120)
class VmControlTest {

    static Vcsim sim;
    static Sessions sessions = new Sessions();
    static VmControl control = new VmControl(sessions);
    static final Duration T = Duration.ofSeconds(15);

    @BeforeAll
    static void start() throws Exception {
        sim = Vcsim.start("-no-tools", "DC0_H0_VM1", "-boot", "300ms");
    }

    @AfterAll
    static void stop() throws Exception {
        sessions.closeAll();
        if (sim != null) {
            sim.close();
        }
    }

    static Map<String, String> vm(String name, String... kv) throws Exception {
        Map<String, String> p = new HashMap<>(sim.params());
        p.put("vm", "DC0/vm/" + name);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void stopShutsTheGuestDownThenStartWaitsForTheGuest() throws Exception {
        Map<String, String> p = vm("DC0_H0_VM0");
        assertThat(control.monitor(p, T).status()).isEqualTo(OcfStatus.SUCCESS);

        OperationResult stop = control.stop(p, T);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).contains("shut down by its guest");
        OperationResult mon = control.monitor(p, T);
        assertThat(mon.status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(mon.reason()).isEqualTo("VM DC0/vm/DC0_H0_VM0 is powered off");
        assertThat(control.stop(p, T).reason()).contains("already powered off");

        OperationResult start = control.start(p, T);
        assertThat(start.status()).as(start.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(start.reason()).contains("powered on, guest up").contains("guestToolsRunning").contains("IP 10.");
        // the guest needed its 300 ms boot: start did wait for it
        assertThat(start.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(control.monitor(p, T).reason()).contains("heartbeat green");
        assertThat(control.start(p, T).reason()).contains("was already on");
    }

    @Test
    void guestWithoutToolsIsPoweredOffAndItsStartTimesOutUnlessGuestIsNone() throws Exception {
        Map<String, String> p = vm("DC0_H0_VM1");
        OperationResult mon = control.monitor(p, T);
        assertThat(mon.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(mon.reason()).contains("powered on but its guest is not up");

        OperationResult stop = control.stop(p, T);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(stop.reason()).contains("VMware Tools not running").contains("powered off");

        long t0 = System.nanoTime();
        OperationResult start = control.start(p, Duration.ofSeconds(2));
        assertThat(start.status()).isEqualTo(OcfStatus.TIMEOUT);
        assertThat(start.reason()).contains("guest is not up within").contains("VMware Tools running and a guest IP");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

        Map<String, String> none = vm("DC0_H0_VM1", "guest", "none");
        assertThat(control.monitor(none, T).status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(control.stop(none, T).isSuccess()).isTrue();
        OperationResult s2 = control.start(none, T);
        assertThat(s2.status()).as(s2.reason()).isEqualTo(OcfStatus.SUCCESS);
    }

    @Test
    void missingVmIsNotInstalledNamingThePath() throws Exception {
        OperationResult r = control.start(vm("no-such-vm"), T);
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(r.reason()).contains("no VirtualMachine at inventory path 'DC0/vm/no-such-vm'");
        assertThat(control.monitor(vm("no-such-vm"), T).status()).isEqualTo(OcfStatus.ERR_INSTALLED);
    }

    @Test
    void wrongCredentialsAreAConfigurationError() throws Exception {
        Map<String, String> p = vm("DC0_H0_VM0", "user", "mallory");
        OperationResult r = control.monitor(p, T);
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).contains("as mallory refused").doesNotContain(Vcsim.PASSWORD);
    }

    @Test
    void unreachableEndpointFailsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> p = vm("DC0_H0_VM0", "url", "https://127.0.0.1:" + port + "/sdk");
        OperationResult r = control.stop(p, Duration.ofSeconds(3));
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(r.reason()).contains("unreachable").contains("127.0.0.1:" + port);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void validateNamesEveryBadKey() {
        assertThat(control.validate(Map.of("url", "ftp://x", "guest", "maybe", "shutdown-timeout", "soon",
                "thumbprint", "12:34")))
                .anySatisfy(s -> assertThat(s).startsWith("url:"))
                .anySatisfy(s -> assertThat(s).startsWith("user is missing"))
                .anySatisfy(s -> assertThat(s).startsWith("password-file is missing"))
                .anySatisfy(s -> assertThat(s).startsWith("thumbprint:"))
                .anySatisfy(s -> assertThat(s).startsWith("vm is missing"))
                .anySatisfy(s -> assertThat(s).startsWith("guest: 'maybe'"))
                .anySatisfy(s -> assertThat(s).contains("shutdown-timeout"));
        Map<String, String> ok = Map.of("url", "https://vc", "user", "u", "password-file", "/etc/pw", "vm", "DC/vm/x",
                "shutdown-timeout", "30s");
        assertThat(control.validate(ok, Duration.ofSeconds(60))).isEmpty();
        assertThat(control.validate(ok, Duration.ofSeconds(30))).singleElement().asString()
                .startsWith("shutdown-timeout: 30s is not shorter than the stop timeout (30s)");
        assertThat(control.validate(Map.of("url", "http://vc", "user", "u", "password-file", "/etc/pw",
                "vm", "DC/vm/x"))).singleElement().asString().contains("plain http");
    }
}
