package org.duplex.plugin.vmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.plugin.support.Deadline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vim25 client against a real vcsim: session, inventory, properties, power tasks, and every failure mode. */
@Timeout(120)
class VimClientTest {

    static Vcsim sim;

    @BeforeAll
    static void start() throws Exception {
        sim = Vcsim.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
    }

    static Deadline secs(int s) {
        return Deadline.within(Duration.ofSeconds(s));
    }

    @Test
    void findsVmsAndPowersThemOffAndOn() throws Exception {
        VimClient c = new VimClient(sim.endpoint());
        MoRef vm = c.require("/DC0/vm/DC0_H0_VM0", "VirtualMachine", secs(10));
        assertThat(vm.type()).isEqualTo("VirtualMachine");
        assertThat(c.textProperties(vm, List.of("runtime.powerState", "name"), secs(10)))
                .containsEntry("runtime.powerState", "poweredOn").containsEntry("name", "DC0_H0_VM0");

        c.powerOff(vm, secs(10));
        assertThat(c.textProperties(vm, List.of("runtime.powerState"), secs(10)))
                .containsEntry("runtime.powerState", "poweredOff");
        assertThatThrownBy(() -> c.powerOff(vm, secs(10))).isInstanceOfSatisfying(VimException.class, e -> {
            assertThat(e.kind()).isEqualTo(VimException.Kind.FAULT);
            assertThat(e.faultType()).isEqualTo("InvalidPowerState");
        });
        c.powerOn(vm, secs(10));
        assertThat(c.textProperties(vm, List.of("runtime.powerState"), secs(10)))
                .containsEntry("runtime.powerState", "poweredOn");
        assertThat(c.logins()).isEqualTo(1);
        c.logout(secs(5));
    }

    @Test
    void missingPathIsEmptyAndRequireNamesIt() throws Exception {
        VimClient c = new VimClient(sim.endpoint());
        assertThat(c.findByInventoryPath("DC0/vm/no-such-vm", secs(10))).isEmpty();
        assertThatThrownBy(() -> c.require("DC0/vm/no-such-vm", "VirtualMachine", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind())
                        .isEqualTo(VimException.Kind.NOT_FOUND))
                .hasMessageContaining("no VirtualMachine at inventory path 'DC0/vm/no-such-vm'");
        assertThatThrownBy(() -> c.require("DC0/datastore/LocalDS_0", "VirtualMachine", secs(10)))
                .hasMessageContaining("is a Datastore, not a VirtualMachine");
    }

    @Test
    void expiredSessionLogsInAgainOnce() throws Exception {
        VimClient c = new VimClient(sim.endpoint());
        MoRef vm = c.require("DC0/vm/DC0_H0_VM1", "VirtualMachine", secs(10));
        MoRef sm = c.sessionManager(secs(10));
        String key = Soap.childText(c.properties(sm, List.of("currentSession"), secs(10)).get("currentSession"), "key");
        assertThat(key).isNotEmpty();
        // an administrator (another session) terminates ours: the next call meets NotAuthenticated
        VimClient admin = new VimClient(sim.endpoint());
        admin.invoke("TerminateSession", sm, w -> Soap.text(w, "sessionId", key), secs(10));
        assertThat(c.logins()).isEqualTo(1);
        assertThat(c.textProperties(vm, List.of("name"), secs(10))).containsEntry("name", "DC0_H0_VM1");
        assertThat(c.logins()).isEqualTo(2);
        admin.logout(secs(5));
    }

    @Test
    void wrongPasswordIsLoginFailedNamingUserAndFile() throws Exception {
        Map<String, String> p = sim.params();
        p.put(Endpoint.PASSWORD_FILE, sim.passwordFile("wrong").toString());
        VimClient c = new VimClient(endpoint(p));
        assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind())
                        .isEqualTo(VimException.Kind.LOGIN_FAILED))
                .hasMessageContaining("as duplex refused: wrong user name or password")
                .hasMessageNotContaining("wrong\n").hasMessageNotContaining(Vcsim.PASSWORD);
    }

    @Test
    void thumbprintMismatchIsTlsErrorWithBothPrints() throws Exception {
        Map<String, String> p = sim.params();
        String other = "AB:".repeat(31) + "AB";
        p.put(Endpoint.THUMBPRINT, other);
        VimClient c = new VimClient(endpoint(p));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind()).isEqualTo(VimException.Kind.TLS))
                .hasMessageContaining("certificate thumbprint mismatch")
                .hasMessageContaining(sim.thumbprint().toString()).hasMessageContaining(other);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void withoutPinTheJdkTrustStoreRefusesTheSelfSignedCertificate() throws Exception {
        Map<String, String> p = sim.params();
        p.remove(Endpoint.THUMBPRINT);
        VimClient c = new VimClient(endpoint(p));
        assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind()).isEqualTo(VimException.Kind.TLS));
    }

    @Test
    void insecureAcceptsAnyCertificate() throws Exception {
        Map<String, String> p = sim.params();
        p.remove(Endpoint.THUMBPRINT);
        p.put(Endpoint.INSECURE, "true");
        VimClient c = new VimClient(endpoint(p));
        assertThat(c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10))).isPresent();
    }

    @Test
    void refusedPortIsUnreachableAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> p = sim.params();
        p.put(Endpoint.URL, "https://127.0.0.1:" + port + "/sdk");
        VimClient c = new VimClient(endpoint(p));
        assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind())
                        .isEqualTo(VimException.Kind.UNREACHABLE))
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void silentServerTimesOutWithinTheDeadline() throws Exception {
        // a listener that accepts and never answers: the worst case of a hung endpoint
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(s.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            Map<String, String> p = sim.params();
            p.put(Endpoint.URL, "https://127.0.0.1:" + s.getLocalPort() + "/sdk");
            VimClient c = new VimClient(endpoint(p));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", Deadline.within(Duration.ofSeconds(2))))
                    .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind())
                            .isEqualTo(VimException.Kind.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
            for (Socket h : held) {
                h.close();
            }
        }
    }

    @Test
    void unreadablePasswordFileIsConfigErrorWithoutContacting() throws Exception {
        Map<String, String> p = sim.params();
        java.nio.file.Path f = sim.passwordFile(Vcsim.PASSWORD);
        java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        p.put(Endpoint.PASSWORD_FILE, f.toString());
        VimClient c = new VimClient(endpoint(p));
        assertThatThrownBy(() -> c.findByInventoryPath("DC0/vm/DC0_H0_VM0", secs(10)))
                .isInstanceOfSatisfying(VimException.class, e -> assertThat(e.kind())
                        .isEqualTo(VimException.Kind.CONFIG))
                .hasMessageContaining("chmod 600").hasMessageNotContaining(Vcsim.PASSWORD);
    }

    static Endpoint endpoint(Map<String, String> p) {
        List<String> problems = new ArrayList<>();
        return Endpoint.parse(p, problems).orElseThrow(() -> new AssertionError(problems));
    }
}
