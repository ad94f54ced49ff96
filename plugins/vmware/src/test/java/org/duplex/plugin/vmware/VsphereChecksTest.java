package org.duplex.plugin.vmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.support.Deadline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host, datastore and VM heartbeat monitors against a real vcsim. */
@Timeout(120)
class VsphereChecksTest {

    static final Duration T = Duration.ofSeconds(10);
    static Vcsim sim;
    static Sessions sessions = new Sessions();
    static VsphereChecks checks = new VsphereChecks(sessions);

    @BeforeAll
    static void start() throws Exception {
        sim = Vcsim.start("-no-tools", "DC0_H0_VM1");
    }

    @AfterAll
    static void stop() throws Exception {
        sessions.closeAll();
        if (sim != null) {
            sim.close();
        }
    }

    static Map<String, String> p(String... kv) throws Exception {
        Map<String, String> m = new HashMap<>(sim.params());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void hostIsHealthyConnectedAndDegradedInMaintenance() throws Exception {
        Map<String, String> p = p("host", "DC0/host/DC0_C0/DC0_C0_H1");
        HealthStatus h = checks.check(VsphereChecks.HOST, p, T);
        assertThat(h.health()).as(h.reason()).isEqualTo(Health.HEALTHY);
        assertThat(h.reason()).startsWith("host DC0/host/DC0_C0/DC0_C0_H1: connected");

        VimClient c = sessions.client(sim.endpoint());
        MoRef host = c.require("DC0/host/DC0_C0/DC0_C0_H1", "HostSystem", Deadline.within(T));
        c.waitForTask(Soap.moRef(Soap.child(c.invoke("EnterMaintenanceMode_Task", host,
                w -> Soap.text(w, "timeout", "0"), Deadline.within(T)), null, "returnval").orElseThrow()),
                "maintenance", Deadline.within(T));
        HealthStatus m = checks.check(VsphereChecks.HOST, p, T);
        assertThat(m.health()).isEqualTo(Health.DEGRADED);
        assertThat(m.reason()).contains("in maintenance mode");

        assertThat(checks.check(VsphereChecks.HOST, p("host", "DC0/host/nope"), T).health())
                .isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void datastoreFreeSpaceAgainstTheLimits() throws Exception {
        HealthStatus ok = checks.check(VsphereChecks.DATASTORE, p("datastore", "DC0/datastore/LocalDS_0",
                "min-free", "1M", "max-used", "100"), T);
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).contains("free of").contains("used");
        HealthStatus low = checks.check(VsphereChecks.DATASTORE, p("datastore", "DC0/datastore/LocalDS_0",
                "min-free", "100000T"), T);
        assertThat(low.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(low.reason()).contains("below min-free 100000T");
        assertThat(checks.validate(VsphereChecks.DATASTORE, p("datastore", "DC0/datastore/LocalDS_0")))
                .singleElement().asString().startsWith("min-free or max-used is needed");
        assertThat(checks.validate(VsphereChecks.DATASTORE, p("datastore", "x", "min-free", "lots",
                "max-used", "120"))).hasSize(2);
    }

    @Test
    void vmHeartbeatGreenOnlyWithToolsRunning() throws Exception {
        HealthStatus g = checks.check(VsphereChecks.VM_HEARTBEAT, p("vm", "DC0/vm/DC0_H0_VM0"), T);
        assertThat(g.health()).as(g.reason()).isEqualTo(Health.HEALTHY);
        assertThat(g.reason()).contains("heartbeat green");
        HealthStatus gray = checks.check(VsphereChecks.VM_HEARTBEAT, p("vm", "DC0/vm/DC0_H0_VM1"), T);
        assertThat(gray.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(gray.reason()).contains("VMware Tools not running");
    }

    @Test
    void anEndpointThatCannotBeAskedIsUnknownNotUnhealthy() throws Exception {
        HealthStatus u = checks.check(VsphereChecks.VM_HEARTBEAT, p("vm", "DC0/vm/DC0_H0_VM0",
                Endpoint.THUMBPRINT, "11".repeat(32)), T);
        assertThat(u.health()).isEqualTo(Health.UNKNOWN);
        assertThat(u.reason()).contains("thumbprint mismatch");
        assertThat(checks.check(VsphereChecks.HOST, Map.of("host", "x"), T).health()).isEqualTo(Health.UNKNOWN);
    }
}
