package org.duplex.cluster.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.jgroups.WireFormat;
import org.duplex.cluster.protocol.ProtocolVersion;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.junit.jupiter.api.Test;

/**
 * Builds of two protocol levels in one cluster, every message through the real wire format. A level-3 node's
 * configuration carries a field level 2 does not know (as an N+1 build's would), so the tests also show that the
 * older build reads past it. Virtual clock; the engine's views are set by the test.
 */
class MixedBuildsTest {

    private static final ProtocolVersion N = new ProtocolVersion(2, "0.1.0");
    private static final ProtocolVersion N1 = new ProtocolVersion(3, "0.2.0");
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(50);
    private static final ObjectMapper JSON = new ObjectMapper();

    private long now = 1_000_000_000L;
    private int views;
    private final ClusterConfig boot = ClusterConfig.initial("c",
            List.of(NodeConfig.member("n1"), NodeConfig.member("n2"), NodeConfig.member("n3")));
    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final Deque<byte[]> wire = new ArrayDeque<>();
    private final Deque<NodeId> wireTo = new ArrayDeque<>();

    /** One node: its stores survive a restart (an upgrade or a rollback restarts the core on the same disk). */
    private final class Node {
        final NodeId id;
        final EpochStore.InMemory epochs = new EpochStore.InMemory();
        ConfigStore.InMemory configs = new ConfigStore.InMemory();
        ProtocolVersion version;
        ClusterCore core;

        Node(String id, ProtocolVersion version) throws IOException {
            this.id = NodeId.of(id);
            start(version);
        }

        void start(ProtocolVersion v) throws IOException {
            version = v;
            core = new ClusterCore(id, boot, QuorumSettings.majority(), Tiebreaker.NONE, epochs, configs, () -> now,
                    (target, m) -> send(this, target, m), v);
        }
    }

    private void send(Node from, Optional<NodeId> target, ClusterMessage m) {
        byte[] bytes = WireFormat.encode(m);
        if (from.version.level() >= 3) {
            bytes = withNewerField(bytes);
        }
        for (NodeId to : target.map(List::of).orElse(from.core.view().members())) {
            if (!to.equals(from.id)) {
                wire.add(bytes);
                wireTo.add(to);
            }
        }
    }

    /** What an N+1 build puts on the wire: its configuration has a field N never heard of. */
    private static byte[] withNewerField(byte[] bytes) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(bytes);
            if (root.path("m").path("config").isObject()) {
                ((ObjectNode) root.path("m").path("config")).putObject("labels").put("site", "east");
            }
            ((ObjectNode) root.path("m")).put("sentBy", "a newer build");
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Node node(String id, ProtocolVersion v) throws IOException {
        Node n = new Node(id, v);
        nodes.put(n.id, n);
        return n;
    }

    private void view(Node... members) {
        MembershipView v = new MembershipView("v" + (++views),
                java.util.Arrays.stream(members).map(n -> n.id).toList());
        for (Node n : members) {
            n.core.onView(v);
        }
    }

    /** Delivers everything on the wire and ticks every node, {@code steps} times. */
    private void run(int steps) {
        for (int i = 0; i < steps; i++) {
            while (!wire.isEmpty()) {
                byte[] bytes = wire.poll();
                Node to = nodes.get(wireTo.poll());
                WireFormat.Decoded d = WireFormat.decode(bytes);
                assertThat(d.message()).as("decoded: %s", d.error()).isPresent();
                to.core.onMessage(d.message().get());
            }
            now += TICK;
            nodes.values().forEach(n -> n.core.tick());
        }
    }

    private Optional<NodeId> coordinator(Node n) {
        return n.core.state().coordinator();
    }

    @Test
    void aMixedClusterRunsAsOneWhileNothingNewerIsInUse() throws IOException {
        Node a = node("n1", N);
        Node b = node("n2", N1);
        Node c = node("n3", N1);
        view(a, b, c);
        run(20);
        for (Node n : nodes.values()) {
            assertThat(n.core.state().quorate()).as(n.id + " quorate").isTrue();
            assertThat(coordinator(n)).contains(a.id);
            assertThat(n.core.standingAside()).isEmpty();
        }
        assertThat(b.core.memberVersions()).containsEntry(a.id, N).containsEntry(c.id, N1);

        ProposeResult r = b.core.propose(b.core.config().withNodeMode(NodeId.of("n3"),
                org.duplex.api.model.NodeMode.STANDBY));
        assertThat(r.ok()).as(r.message()).isTrue();
        run(5);
        assertThat(nodes.values()).allSatisfy(n -> assertThat(n.core.config().node(NodeId.of("n3")).orElseThrow()
                .mode()).isEqualTo(org.duplex.api.model.NodeMode.STANDBY));
    }

    @Test
    void aChangeThatNeedsTheNewerLevelIsRefusedUntilEveryMemberRunsIt() throws IOException {
        Node a = node("n1", N);
        Node b = node("n2", N1);
        Node c = node("n3", N1);
        view(a, b, c);
        run(20);

        ProposeResult r = b.core.propose(b.core.config().withRequires(3));
        assertThat(r.ok()).isFalse();
        assertThat(r.message()).contains("needs every node at protocol level 3")
                .contains("n1 runs level 2 (Duplex 0.1.0)");
        run(5);
        assertThat(nodes.values()).allSatisfy(n -> assertThat(n.core.config().requires()).isZero());

        // n1 upgraded: it restarts on the same disk as the newer build and rejoins
        a.start(N1);
        view(a, b, c);
        run(20);
        ProposeResult again = b.core.propose(b.core.config().withRequires(3));
        assertThat(again.ok()).as(again.message()).isTrue();
        run(5);
        assertThat(nodes.values()).allSatisfy(n -> assertThat(n.core.config().requires()).isEqualTo(3));
    }

    @Test
    void aNodeTooOldForTheClustersConfigurationStandsAsideAndAdoptsNothing() throws IOException {
        Node a = node("n1", N1);
        Node b = node("n2", N1);
        Node c = node("n3", N1);
        view(a, b, c);
        run(20);
        assertThat(a.core.propose(a.core.config().withRequires(3)).ok()).isTrue();
        run(5);
        long version = b.core.config().version();

        // n1 rolled back to N: its disk holds a configuration N cannot read, so it refuses to start on it
        assertThatThrownBy(() -> a.start(N)).isInstanceOf(IOException.class)
                .hasMessageContaining("needs protocol level 3").hasMessageContaining("level 2 (Duplex 0.1.0)");

        // with its configuration removed it starts, joins, and stands aside: no vote, no coordinator, no adoption
        a.configs = new ConfigStore.InMemory();
        a.start(N);
        view(a, b, c);
        run(30);
        assertThat(a.core.state().quorate()).isFalse();
        assertThat(a.core.refusal()).hasValueSatisfying(s -> assertThat(s)
                .contains("runs protocol level 2 (Duplex 0.1.0)")
                .contains("needs protocol level 3 (Duplex 0.2.0 or any build of that level)")
                .contains("upgrade Duplex on this node"));
        assertThat(a.core.state().reason()).contains("needs protocol level 3");
        assertThat(a.core.config().version()).as("n1 adopted nothing it cannot read").isZero();
        for (Node n : List.of(b, c)) {
            assertThat(n.core.standingAside()).containsExactly(a.id);
            assertThat(n.core.state().quorate()).isTrue();
            assertThat(coordinator(n)).as("n1 is the lowest id but stands aside").contains(b.id);
            assertThat(n.core.config().version()).isGreaterThanOrEqualTo(version);
        }
        String shown = ops(b.core).upgradeStatus();
        assertThat(shown).contains("This node:   n2, Duplex 0.2.0, protocol level 3")
                .containsPattern("n1 +0\\.1\\.0 +2 +STANDING ASIDE: too old")
                .containsPattern("n3 +0\\.2\\.0 +3 +member")
                .contains("Going back:  only to builds of protocol level 3 or later");

        // the rest of the cluster still takes changes
        assertThat(c.core.propose(c.core.config().withNodeMode(NodeId.of("n1"),
                org.duplex.api.model.NodeMode.STANDBY)).ok()).isTrue();
        run(5);
        assertThat(a.core.config().version()).isZero();
    }

    @Test
    void goingBackIsPossibleWhileNothingNewerIsInUse() throws IOException {
        Node a = node("n1", N1);
        Node b = node("n2", N1);
        view(a, b);
        run(20);
        assertThat(a.core.propose(a.core.config().withNodeMode(NodeId.of("n2"),
                org.duplex.api.model.NodeMode.STANDBY)).ok()).isTrue();
        run(5);
        a.start(N); // rollback on the same disk: the configuration needs nothing newer
        view(a, b);
        run(20);
        assertThat(a.core.refusal()).isEmpty();
        assertThat(a.core.state().quorate()).isTrue();
        assertThat(b.core.memberVersions()).containsEntry(a.id, N);
        assertThat(ops(b.core).upgradeStatus()).contains("mixed builds: what level 3 adds stays off")
                .contains("(nothing newer in use)").contains("Going back:  a node may go back to any build");
        assertThat(ops(b.core).status()).contains("Build:       Duplex 0.2.0, protocol level 3 (mixed builds");
    }

    /** The ha: commands' operations over one core, as the running node wires them. */
    private static org.duplex.cluster.runtime.AdminOperations ops(ClusterCore core) {
        return new org.duplex.cluster.runtime.AdminOperations(new org.duplex.cluster.runtime.CoreAdmin(core),
                java.time.Duration.ofSeconds(1));
    }

    @Test
    void theWireToleratesNewerFieldsAndReportsNewerMessageTypes() throws IOException {
        ClusterMessage.Hello h = new ClusterMessage.Hello(NodeId.of("n2"), "v1", 4, boot, false, 3, "0.2.0");
        WireFormat.Decoded d = WireFormat.decode(withNewerField(WireFormat.encode(h)));
        assertThat(d.message()).hasValueSatisfying(m -> assertThat(((ClusterMessage.Hello) m).version())
                .isEqualTo(N1));

        byte[] newer = "{\"v\":1,\"t\":\"labelchange\",\"m\":{\"from\":\"n2\",\"viewId\":\"v1\"}}"
                .getBytes(StandardCharsets.UTF_8);
        WireFormat.Decoded unknown = WireFormat.decode(newer);
        assertThat(unknown.message()).isEmpty();
        assertThat(unknown.unknownType()).isEqualTo("labelchange");

        // a Hello from a build before levels (no proto, no build) is level 1
        ObjectNode legacy = (ObjectNode) JSON.readTree(WireFormat.encode(h));
        ((ObjectNode) legacy.path("m")).remove(List.of("proto", "build"));
        WireFormat.Decoded old = WireFormat.decode(JSON.writeValueAsBytes(legacy));
        assertThat(((ClusterMessage.Hello) old.message().orElseThrow()).version().level()).isEqualTo(1);
    }

    @Test
    void aStoredConfigurationFromANewerBuildIsRefusedWithTheLevelItNeeds() throws Exception {
        ObjectNode stored = (ObjectNode) JSON.readTree(org.duplex.cluster.config.ConfigCodec.toJsonBytes(
                boot.stamped(7, 2).withRequires(ProtocolVersion.CURRENT.level() + 1)));
        stored.putObject("labels").put("site", "east");
        assertThatThrownBy(() -> org.duplex.cluster.config.ConfigCodec.fromJsonBytes(JSON.writeValueAsBytes(stored)))
                .hasMessageContaining("protocol level " + (ProtocolVersion.CURRENT.level() + 1))
                .hasMessageContaining("'labels'");
        List<String> fields = new ArrayList<>();
        stored.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).contains("requires");
    }
}
