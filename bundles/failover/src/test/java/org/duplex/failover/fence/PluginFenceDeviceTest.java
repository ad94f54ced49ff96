package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.duplex.api.fence.FenceAgent;
import org.duplex.api.fence.FenceOperation;
import org.duplex.api.fence.FenceOutcome;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;

/**
 * Plug-in fencing types through the {@code org.duplex.api.fence} whiteboard: the device finds its agent by type at
 * each action, maps its outcomes to the exec convention (status 0 on / 1 off / 2 error), and says clearly when no
 * plug-in provides its type. The real agent behind an API (vmware) is tested in its plug-in against vcsim; here a
 * power switch in memory stands for it.
 */
class PluginFenceDeviceTest {

    private static final NodeId N1 = NodeId.of("node1");

    /** A switch in memory: node powers, every call recorded. */
    static final class SwitchAgent implements FenceAgent {
        final Map<NodeId, FenceOutcome.Power> power = new ConcurrentHashMap<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        boolean hang;

        @Override
        public String type() {
            return "switch";
        }

        @Override
        public List<String> validate(Map<String, String> params, List<NodeId> nodes) {
            return params.containsKey("port." + nodes.get(0).value()) ? List.of()
                    : List.of("port." + nodes.get(0).value() + " is missing");
        }

        @Override
        public FenceOutcome run(FenceOperation op, NodeId node, Map<String, String> params, Duration timeout) {
            calls.add(op + " " + node + " within " + timeout.toMillis());
            if (hang) {
                return FenceOutcome.timedOut("no answer within " + timeout.toMillis() + " ms", timeout);
            }
            switch (op) {
                case OFF -> power.put(node, FenceOutcome.Power.OFF);
                case ON -> power.put(node, FenceOutcome.Power.ON);
                default -> { }
            }
            FenceOutcome.Power p = power.getOrDefault(node, FenceOutcome.Power.UNKNOWN);
            return p == FenceOutcome.Power.UNKNOWN ? FenceOutcome.failed("port unknown", Duration.ofMillis(1))
                    : FenceOutcome.done(p, "port " + params.get("port." + node.value()) + " " + p, Duration.ofMillis(1));
        }

        @Override
        public String describeTarget(Map<String, String> params) {
            return "switch ports " + params;
        }
    }

    private final Map<String, FenceAgent> registry = new ConcurrentHashMap<>();
    private final SwitchAgent agent = new SwitchAgent();

    private FenceDevice device(Map<String, String> extra) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of("name", "sw1", "type", "switch", "nodes", "node1",
                "timeout", "4s"));
        p.putAll(extra);
        return FenceDeviceTypes.create(FenceDeviceConfig.parse(p), t -> Optional.ofNullable(registry.get(t)));
    }

    @Test
    void offOnStatusGoThroughTheRegisteredAgentWithTheDeviceTimeout() throws Exception {
        registry.put("switch", agent);
        FenceDevice d = device(Map.of("port.node1", "7"));
        assertThat(d).isInstanceOf(PluginFenceDevice.class);
        assertThat(d.describeTarget()).isEqualTo("switch ports {port.node1=7}");

        FenceDevices devices = new FenceDevices();
        devices.add(d);
        List<FenceResult> status = devices.run(N1, FenceAction.STATUS);
        assertThat(status).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("error"));

        assertThat(devices.run(N1, FenceAction.ON)).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
        assertThat(devices.run(N1, FenceAction.STATUS).get(0).status()).isEqualTo("on");
        var outcome = devices.fence(N1, new org.duplex.api.cluster.FencingEpoch(3), "test");
        assertThat(outcome.fenced()).isTrue();
        assertThat(outcome.detail()).contains("sw1: off node1 -> exit 0").contains("port 7 OFF");
        assertThat(devices.run(N1, FenceAction.STATUS).get(0).status()).isEqualTo("off");
        assertThat(devices.run(N1, FenceAction.CYCLE).get(0).ok()).isTrue();
        assertThat(agent.calls).contains("OFF node1 within 4000").last().asString().startsWith("ON node1 within");
        assertThat(agent.power).containsEntry(N1, FenceOutcome.Power.ON);
    }

    @Test
    void aTimeoutIsATimedOutResultAndTheFenceFails() throws Exception {
        registry.put("switch", agent);
        agent.hang = true;
        FenceDevices devices = new FenceDevices();
        devices.add(device(Map.of("port.node1", "7")));
        FenceResult r = devices.run(N1, FenceAction.OFF).get(0);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        assertThat(devices.fence(N1, new org.duplex.api.cluster.FencingEpoch(3), "t").fenced())
                .isFalse();
    }

    @Test
    void badParametersAreRefusedByTheAgentNamingTheDevice() {
        registry.put("switch", agent);
        assertThatThrownBy(() -> device(Map.of()))
                .hasMessageContaining("fencing device sw1 (type switch): port.node1 is missing");
    }

    @Test
    void withoutThePlugInEveryActionFailsSayingWhichTypeIsMissingUntilItArrives() throws Exception {
        FenceDevice d = device(Map.of("port.node1", "7"));
        assertThat(((PluginFenceDevice) d).problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("no installed plug-in provides fencing device type 'switch'"));
        assertThat(d.describeTarget()).contains("WARNING").contains("type 'switch'");
        FenceResult r = d.run(FenceAction.OFF, N1);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("no installed plug-in provides fencing device type 'switch'")
                .contains("duplex-plugin-switch");

        registry.put("switch", agent); // the plug-in is installed later: the same device now works
        assertThat(d.run(FenceAction.OFF, N1).ok()).isTrue();
        assertThat(((PluginFenceDevice) d).problem()).isEmpty();
    }

    @Test
    void builtInTypesStayBuiltInAndUnknownTypesWithoutWhiteboardAreStillRefused() {
        registry.put("exec", agent); // a plug-in cannot take over a built-in type
        FenceDevice exec = FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "e", "type", "exec",
                "nodes", "node1", "command", "/bin/true")), t -> Optional.ofNullable(registry.get(t)));
        assertThat(exec).isInstanceOf(ExecFenceDevice.class);
        assertThatThrownBy(() -> FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "pdu", "type",
                "apc-snmp", "nodes", "node1")))).hasMessageContaining("unknown type 'apc-snmp'");
    }
}
