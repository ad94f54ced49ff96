package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.failover.control.Fencer;
import org.junit.jupiter.api.Test;

/** Device selection: the node's devices in name order until one powers it off; coverage; retry intervals. */
class FenceDevicesTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    private FenceDevice fake(String name, String nodes, String retry, int exit) {
        return fake(name, nodes, retry, exit, 1, false);
    }

    /** A device answering {@code exit}, or a timeout (exit -1, timedOut) without any wall-clock wait. */
    private FenceDevice fake(String name, String nodes, String retry, int exit, int level, boolean timesOut) {
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("name", name, "type", "fake", "nodes", nodes,
                "retry.interval", retry, "timeout", "3s", "level", Integer.toString(level)));
        return new FenceDevice() {
            @Override
            public FenceDeviceConfig config() {
                return c;
            }

            @Override
            public FenceResult run(FenceAction action, NodeId node) {
                calls.add(name + " " + action.word() + " " + node);
                if (timesOut) {
                    return new FenceResult(name, node, action, -1, "no answer", true, Duration.ofSeconds(3));
                }
                return new FenceResult(name, node, action, exit, "said " + exit, false, Duration.ofMillis(3));
            }

            @Override
            public String describeTarget() {
                return "fake";
            }
        };
    }

    @Test
    void triesTheNodesDevicesInNameOrderUntilOneSucceeds() throws Exception {
        FenceDevices devices = new FenceDevices();
        devices.add(fake("b-pdu", "node1", "9s", 0));
        devices.add(fake("a-ipmi", "node1,node2", "2s", 1));
        devices.add(fake("c-other", "node2", "5s", 0));

        Fencer.Outcome o = devices.fence(N1, new FencingEpoch(4), "test");

        assertThat(o.fenced()).isTrue();
        assertThat(calls).containsExactly("a-ipmi off node1", "b-pdu off node1");
        assertThat(o.detail()).contains("a-ipmi: off node1 -> exit 1").contains("b-pdu: off node1 -> exit 0");
        assertThat(devices.coverage()).containsExactlyInAnyOrder(N1, N2);
        assertThat(devices.retryInterval(N1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(devices.retryInterval(N3)).isEqualTo(Fencer.DEFAULT_RETRY);
    }

    @Test
    void failsWhenEveryDeviceFailsOrNoneCoversTheNode() throws Exception {
        FenceDevices devices = new FenceDevices();
        devices.add(fake("a", "node1", "2s", 2));

        assertThat(devices.fence(N1, new FencingEpoch(4), "test").fenced()).isFalse();
        Fencer.Outcome none = devices.fence(N3, new FencingEpoch(4), "test");
        assertThat(none.fenced()).isFalse();
        assertThat(none.detail()).contains("no fencing device covers node3");
        assertThatThrownBy(() -> devices.run(N3, FenceAction.STATUS)).hasMessageContaining("no fencing device covers")
                .hasMessageContaining("[a]");
    }

    @Test
    void manualStatusAsksEveryDeviceAndRemovalIsByIdentity() throws Exception {
        FenceDevices devices = new FenceDevices();
        FenceDevice a = fake("a", "node1", "2s", 0);
        devices.add(a);
        devices.add(fake("b", "node1", "2s", 1));

        assertThat(devices.run(N1, FenceAction.STATUS)).extracting(FenceResult::status).containsExactly("on", "off");
        calls.clear();
        assertThat(devices.run(N1, FenceAction.ON)).hasSize(1);

        FenceDevice replacement = fake("a", "node2", "2s", 0);
        devices.add(replacement);
        devices.remove(a); // the old instance going away must not remove its replacement
        assertThat(devices.devices()).extracting(FenceDevice::name).containsExactly("a", "b");
        assertThat(devices.coverage()).containsExactlyInAnyOrder(N1, N2);
    }

    @Test
    void levelOneFailsThenLevelTwoFencesAndEveryAttemptIsReported() throws Exception {
        FenceDevices devices = new FenceDevices();
        devices.add(fake("a-switch", "node1", "5s", 0, 2, false)); // first by name, but level 2
        devices.add(fake("z-ipmi", "node1", "5s", 1, 1, false));

        Fencer.Outcome o = devices.fence(N1, new FencingEpoch(4), "test");

        assertThat(o.fenced()).isTrue();
        assertThat(calls).containsExactly("z-ipmi off node1", "a-switch off node1");
        assertThat(o.attempts()).containsExactly("level 1 z-ipmi: off node1 -> exit 1 in 3 ms: said 1",
                "level 2 a-switch: off node1 -> exit 0 in 3 ms: said 0");
        assertThat(devices.levels(N1)).containsExactly(new FenceDevices.Level(1, List.of("z-ipmi")),
                new FenceDevices.Level(2, List.of("a-switch")));
    }

    @Test
    void levelOneTimesOutThenLevelTwo() throws Exception {
        FenceDevices devices = new FenceDevices();
        devices.add(fake("ipmi", "node1", "5s", 0, 1, true));
        devices.add(fake("switch", "node1", "5s", 0, 2, false));

        Fencer.Outcome o = devices.fence(N1, new FencingEpoch(4), "test");

        assertThat(o.fenced()).isTrue();
        assertThat(calls).containsExactly("ipmi off node1", "switch off node1");
        assertThat(o.attempts().get(0)).startsWith("level 1 ipmi: off node1 -> timed out, killed");
        assertThat(devices.confirmedSince(N1, 0)).isPresent();
    }

    @Test
    void everyLevelFailingOrThrowingIsAFailedFence() throws Exception {
        FenceDevices devices = new FenceDevices();
        devices.add(fake("ipmi", "node1", "5s", 0, 1, true));
        devices.add(fake("pdu", "node1", "5s", 3, 2, false));
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("name", "switch", "type", "fake", "nodes", "node1",
                "level", "3"));
        devices.add(new FenceDevice() {
            @Override
            public FenceDeviceConfig config() {
                return c;
            }

            @Override
            public FenceResult run(FenceAction action, NodeId node) {
                calls.add("switch " + action.word() + " " + node);
                throw new IllegalStateException("broken");
            }

            @Override
            public String describeTarget() {
                return "throws";
            }
        });

        Fencer.Outcome o = devices.fence(N1, new FencingEpoch(4), "test");

        assertThat(o.fenced()).isFalse();
        assertThat(calls).containsExactly("ipmi off node1", "pdu off node1", "switch off node1");
        assertThat(o.attempts()).hasSize(3);
        assertThat(o.attempts().get(2)).contains("level 3 switch").contains("device failed").contains("broken");
        assertThat(devices.confirmedSince(N1, 0)).isEmpty();
        assertThat(FenceDevices.topology(devices.devices())).containsOnlyKeys(N1);
    }

    @Test
    void aBadLevelIsRefusedNamingTheFileAndTheKey() {
        assertThatThrownBy(() -> FenceDeviceConfig.parse(Map.of("felix.fileinstall.filename",
                "file:/opt/duplex/etc/org.duplex.failover.fence-ipmi.cfg", "type", "ipmi", "nodes", "node1",
                "level", "first")))
                .hasMessageContaining("/opt/duplex/etc/org.duplex.failover.fence-ipmi.cfg")
                .hasMessageContaining("level: must be a whole number from 1 to 9");
        assertThat(FenceDeviceConfig.parse(Map.of("type", "exec", "nodes", "node1")).level()).isEqualTo(1);
    }
}
