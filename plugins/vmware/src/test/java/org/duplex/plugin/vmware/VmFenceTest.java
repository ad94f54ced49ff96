package org.duplex.plugin.vmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.fence.FenceOperation;
import org.duplex.api.fence.FenceOutcome;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vmware fencing type against a real vcsim: node1 and node2 are the cluster's VMs DC0_C0_RP0_VM0 and VM1. */
@Timeout(120)
class VmFenceTest {

    static final NodeId N1 = NodeId.of("node1");
    static final NodeId N2 = NodeId.of("node2");
    static final Duration T = Duration.ofSeconds(10);
    static Vcsim sim;
    static Sessions sessions = new Sessions();
    static VmFence fence = new VmFence(sessions);

    @BeforeAll
    static void start() throws Exception {
        sim = Vcsim.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sessions.closeAll();
        if (sim != null) {
            sim.close();
        }
    }

    static Map<String, String> params() throws IOException {
        Map<String, String> p = new HashMap<>(sim.params());
        p.put("vm.node1", "DC0/vm/DC0_C0_RP0_VM0");
        p.put("vm.node2", "DC0/vm/DC0_C0_RP0_VM1");
        return p;
    }

    @Test
    void offIsConfirmedAndStatusFollowsAndOnBringsItBack() throws Exception {
        Map<String, String> p = params();
        assertThat(fence.validate(p, List.of(N1, N2))).isEmpty();
        FenceOutcome s = fence.run(FenceOperation.STATUS, N1, p, T);
        assertThat(s.done()).isTrue();
        assertThat(s.power()).isEqualTo(FenceOutcome.Power.ON);

        FenceOutcome off = fence.run(FenceOperation.OFF, N1, p, T);
        assertThat(off.done()).as(off.detail()).isTrue();
        assertThat(off.power()).isEqualTo(FenceOutcome.Power.OFF);
        assertThat(off.detail()).isEqualTo("VM DC0/vm/DC0_C0_RP0_VM0 powered off (confirmed poweredOff)");
        assertThat(fence.run(FenceOperation.STATUS, N1, p, T).power()).isEqualTo(FenceOutcome.Power.OFF);
        assertThat(fence.run(FenceOperation.STATUS, N2, p, T).power()).isEqualTo(FenceOutcome.Power.ON);
        assertThat(fence.run(FenceOperation.OFF, N1, p, T).detail()).contains("already powered off");

        FenceOutcome on = fence.run(FenceOperation.ON, N1, p, T);
        assertThat(on.done()).as(on.detail()).isTrue();
        assertThat(on.detail()).contains("powered on (confirmed poweredOn)");
        assertThat(fence.run(FenceOperation.STATUS, N1, p, T).power()).isEqualTo(FenceOutcome.Power.ON);
    }

    @Test
    void validateNamesTheNodeWithoutAVm() throws Exception {
        Map<String, String> p = params();
        p.remove("vm.node2");
        assertThat(fence.validate(p, List.of(N1, N2))).singleElement().asString()
                .startsWith("vm.node2 is missing");
        assertThat(fence.describeTarget(params())).contains("thumbprint pinned").contains("vm.node1=DC0/vm/DC0_C0_RP0_VM0")
                .doesNotContain(Vcsim.PASSWORD);
    }

    @Test
    void badInputFailsClearlyWithinTheTimeout() throws Exception {
        Map<String, String> missing = params();
        missing.put("vm.node1", "DC0/vm/gone");
        assertFails(fence.run(FenceOperation.OFF, N1, missing, T), "no VirtualMachine at inventory path 'DC0/vm/gone'");

        Map<String, String> wrongPw = params();
        wrongPw.put(Endpoint.PASSWORD_FILE, sim.passwordFile("nope").toString());
        assertFails(fence.run(FenceOperation.OFF, N1, wrongPw, T), "refused: wrong user name or password");

        Map<String, String> pin = params();
        pin.put(Endpoint.THUMBPRINT, "00".repeat(32));
        assertFails(fence.run(FenceOperation.STATUS, N1, pin, T), "certificate thumbprint mismatch");

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> refused = params();
        refused.put(Endpoint.URL, "https://127.0.0.1:" + port);
        assertFails(fence.run(FenceOperation.OFF, N1, refused, T), "unreachable");

        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            Map<String, String> hung = params();
            hung.put(Endpoint.URL, "https://127.0.0.1:" + silent.getLocalPort() + "/sdk");
            long t0 = System.nanoTime();
            FenceOutcome o = fence.run(FenceOperation.OFF, N1, hung, Duration.ofSeconds(2));
            assertThat(o.timedOut()).as(o.detail()).isTrue();
            assertThat(o.done()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
            for (Socket h : held) {
                h.close();
            }
        }
        // none of it touched the VM
        assertThat(fence.run(FenceOperation.STATUS, N1, params(), T).power()).isEqualTo(FenceOutcome.Power.ON);
    }

    private static void assertFails(FenceOutcome o, String text) {
        assertThat(o.done()).as(o.detail()).isFalse();
        assertThat(o.timedOut()).isFalse();
        assertThat(o.power()).isEqualTo(FenceOutcome.Power.UNKNOWN);
        assertThat(o.detail()).contains(text).doesNotContain(Vcsim.PASSWORD);
        assertThat(o.elapsed()).isLessThan(T);
    }
}
