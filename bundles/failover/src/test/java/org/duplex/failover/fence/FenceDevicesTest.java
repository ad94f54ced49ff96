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
        FenceDeviceConfig c = FenceDeviceConfig.parse(Map.of("name", name, "type", "fake", "nodes", nodes,
                "retry.interval", retry, "timeout", "3s"));
        return new FenceDevice() {
            @Override
            public FenceDeviceConfig config() {
                return c;
            }

            @Override
            public FenceResult run(FenceAction action, NodeId node) {
                calls.add(name + " " + action.word() + " " + node);
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
}
