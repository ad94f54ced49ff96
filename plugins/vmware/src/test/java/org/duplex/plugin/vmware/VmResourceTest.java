package org.duplex.plugin.vmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vmware-vm resource as two nodes see one VM (a real vcsim): only the node that started it reports it running,
 * and a stop sent to the other node leaves the VM alone. Two {@link VmResource}s with their own marker directories
 * stand for the two nodes.
 */
@Timeout(120)
class VmResourceTest {

    static Vcsim sim;
    static Sessions sessions = new Sessions();
    static final Duration T = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        sim = Vcsim.start("-boot", "100ms");
    }

    @AfterAll
    static void stop() throws Exception {
        sessions.closeAll();
        if (sim != null) {
            sim.close();
        }
    }

    private VmResource node(String name) {
        return new VmResource(new VmControl(sessions), new VmOwnership(tmp.resolve(name)));
    }

    private static Map<String, String> params(String vm) throws Exception {
        Map<String, String> p = new HashMap<>(sim.params());
        p.put("vm", "DC0/vm/" + vm);
        return p;
    }

    @Test
    void onlyTheNodeThatStartedTheVmReportsItRunningAndAStopElsewhereLeavesItOn() throws Exception {
        Map<String, String> p = params("DC0_C0_RP0_VM0");
        VmControl vsphere = new VmControl(sessions);
        VmResource node1 = node("node1");
        VmResource node2 = node("node2");
        assertThat(vsphere.monitor(p, T).status()).as("the model's VMs start powered on").isEqualTo(OcfStatus.SUCCESS);

        // a probe before anyone started it: not active on either node, although vSphere shows it on
        OperationResult probe = node2.monitor("app-vm", p, T);
        assertThat(probe.status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(probe.reason()).contains("not started on this node");

        OperationResult start = node1.start("app-vm", p, T);
        assertThat(start.status()).as(start.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(node1.monitor("app-vm", p, T).status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(node2.monitor("app-vm", p, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);

        OperationResult strayStop = node2.stop("app-vm", p, T);
        assertThat(strayStop.status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(strayStop.reason()).contains("not started on this node").contains("left as it is");
        assertThat(node1.monitor("app-vm", p, T).status()).as("node1's VM untouched by node2's stop")
                .isEqualTo(OcfStatus.SUCCESS);

        // node2 takes over (node1 fenced): start finds the VM on, and node2 now answers for it
        assertThat(node2.start("app-vm", p, T).reason()).contains("was already on");
        assertThat(node2.monitor("app-vm", p, T).status()).isEqualTo(OcfStatus.SUCCESS);

        OperationResult stop = node2.stop("app-vm", p, T);
        assertThat(stop.status()).as(stop.reason()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(vsphere.monitor(p, T).status()).as("the owner's stop powers it off").isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(node2.monitor("app-vm", p, T).reason()).contains("not started on this node");
    }

    @Test
    void theMarkerOutlivesARestartOfThePlugInAndAVmPoweredOffBehindTheNodesBackIsNotRunning() throws Exception {
        Map<String, String> p = params("DC0_C0_RP0_VM1");
        assertThat(node("n").start("vm1", p, T).status()).isEqualTo(OcfStatus.SUCCESS);
        // a new instance on the same directory: the bundle restarted, the node did not
        VmResource again = node("n");
        assertThat(again.monitor("vm1", p, T).status()).isEqualTo(OcfStatus.SUCCESS);

        assertThat(new VmControl(sessions).stop(p, T).status()).isEqualTo(OcfStatus.SUCCESS); // someone else
        OperationResult mon = again.monitor("vm1", p, T);
        assertThat(mon.status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(mon.reason()).contains("powered off");
        // recovery: stop (already off) clears the marker, start powers it on again and claims it
        assertThat(again.stop("vm1", p, T).reason()).contains("already powered off");
        assertThat(again.start("vm1", p, T).status()).isEqualTo(OcfStatus.SUCCESS);
        assertThat(again.monitor("vm1", p, T).status()).isEqualTo(OcfStatus.SUCCESS);
    }

    @Test
    void aMarkerDirectoryThatCannotBeWrittenFailsTheStartNamingIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        VmResource broken = new VmResource(new VmControl(sessions), new VmOwnership(file.resolve("vmware")));
        OperationResult start = broken.start("vm2", params("DC0_H0_VM1"), T);
        assertThat(start.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(start.reason()).contains("cannot record in " + file.resolve("vmware"));
    }
}
