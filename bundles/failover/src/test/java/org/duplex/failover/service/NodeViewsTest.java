package org.duplex.failover.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.junit.jupiter.api.Test;

class NodeViewsTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");
    private static final Instant T = Instant.parse("2026-01-01T12:00:01.200Z");

    private final ResourceGroup web = new ResourceGroup(ResourceId.of("web"), List.of(ResourceId.of("vip")),
            List.of(N1, N2, N3));

    private static PeerStatus peer(NodeId id, Liveness l, LinkState serial) {
        return new PeerStatus(id, l, List.of(
                new LinkStatus("udp0", LinkKind.UDP, l == Liveness.DEAD ? LinkState.DOWN : LinkState.UP,
                        Optional.of(T)),
                new LinkStatus("serial0", LinkKind.SERIAL, serial, Optional.of(T.minusMillis(100)))));
    }

    @Test
    void heardButNotAMemberIsPartitionedAndNeverAliveWithoutHeartbeat() {
        QuorumState q = new QuorumState(N2, true, Optional.of(N2), new FencingEpoch(3), Set.of(N2), 2, 3, "lease");
        Map<NodeId, Node> nodes = NodeViews.nodes(List.of(web), q,
                List.of(peer(N1, Liveness.ALIVE, LinkState.UP), peer(N3, Liveness.DEAD, LinkState.DOWN)), N2, true,
                Map.of(N3, NodeMode.STANDBY));
        assertThat(nodes.get(N1).liveness()).isEqualTo(Liveness.PARTITIONED);
        assertThat(nodes.get(N2).liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(nodes.get(N3).liveness()).isEqualTo(Liveness.DEAD);
        assertThat(nodes.get(N3).mode()).isEqualTo(NodeMode.STANDBY);

        Map<NodeId, Node> noHeartbeat = NodeViews.nodes(List.of(web), q, List.of(), N2, true, Map.of());
        assertThat(noHeartbeat.get(N1).liveness()).as("configured, never heard").isEqualTo(Liveness.UNKNOWN);
    }

    /**
     * node2 was killed, rebooted and rejoined the membership view before its first heartbeat frames arrived: the
     * engine fenced it as "dead, and web may have run there". A member of the view is never DEAD.
     */
    @Test
    void aMemberTheHeartbeatHasNotHeardYetIsSuspectNotDead() {
        QuorumState q = new QuorumState(N2, true, Optional.of(N2), new FencingEpoch(4), Set.of(N1, N2), 2, 2, "ok");
        Map<NodeId, Node> nodes = NodeViews.nodes(List.of(web), q,
                List.of(peer(N1, Liveness.DEAD, LinkState.DOWN), peer(N3, Liveness.DEAD, LinkState.DOWN)), N2, true,
                Map.of());
        assertThat(nodes.get(N1).liveness()).as("in the view, not heard yet").isEqualTo(Liveness.SUSPECT);
        assertThat(nodes.get(N3).liveness()).as("out of the view and silent").isEqualTo(Liveness.DEAD);
    }

    @Test
    void nodeModesComeFromTheClusterServiceAtEveryCall() {
        Map<NodeId, NodeMode> modes = new java.util.concurrent.ConcurrentHashMap<>();
        QuorumState q = new QuorumState(N2, true, Optional.of(N2), new FencingEpoch(3), Set.of(N1, N2), 2, 3, "ok");
        org.duplex.api.cluster.ClusterService cluster = new org.duplex.api.cluster.ClusterService() {
            @Override
            public QuorumState state() {
                return q;
            }

            @Override
            public AutoCloseable addListener(org.duplex.api.cluster.QuorumListener listener) {
                return () -> { };
            }

            @Override
            public Map<NodeId, NodeMode> nodeModes() {
                return Map.copyOf(modes);
            }
        };
        assertThat(NodeViews.nodes(List.of(web), q, List.of(), N2, true, NodeViews.modes(cluster)).get(N1).mode())
                .isEqualTo(NodeMode.ONLINE);
        modes.put(N1, NodeMode.STANDBY);
        modes.put(N3, NodeMode.MAINTENANCE);
        Map<NodeId, Node> nodes = NodeViews.nodes(List.of(web), q, List.of(), N2, true, NodeViews.modes(cluster));
        assertThat(nodes.get(N1).mode()).isEqualTo(NodeMode.STANDBY);
        assertThat(nodes.get(N1).canRunResources()).isFalse();
        assertThat(nodes.get(N3).mode()).isEqualTo(NodeMode.MAINTENANCE);
        assertThat(NodeViews.modes(null)).isEmpty();
        org.duplex.api.cluster.ClusterService broken = new org.duplex.api.cluster.ClusterService() {
            @Override
            public QuorumState state() {
                return q;
            }

            @Override
            public AutoCloseable addListener(org.duplex.api.cluster.QuorumListener listener) {
                return () -> { };
            }

            @Override
            public Map<NodeId, NodeMode> nodeModes() {
                throw new IllegalStateException("configuration not loaded");
            }
        };
        assertThat(NodeViews.modes(broken)).isEmpty();
    }

    @Test
    void notesPreferTheHeartbeatsWordsThenSummariseLinks() {
        List<PeerStatus> peers = List.of(peer(N1, Liveness.DEAD, LinkState.DOWN),
                peer(N3, Liveness.SUSPECT, LinkState.UP));
        Map<NodeId, String> plain = NodeViews.notes(peers, Map.of());
        assertThat(plain.get(N1)).isEqualTo("silent on all 2 links since 12:00:01.2");
        Map<NodeId, String> withEvent = NodeViews.notes(peers, Map.of(N1, new PeerEvent(N1, Liveness.DEAD, T,
                "silent on udp0 and serial0 for 1.0 s")));
        assertThat(withEvent.get(N1)).isEqualTo("silent on udp0 and serial0 for 1.0 s");
        Map<NodeId, String> staleEvent = NodeViews.notes(peers, Map.of(N1, new PeerEvent(N1, Liveness.ALIVE, T,
                "frame received")));
        assertThat(staleEvent.get(N1)).startsWith("silent on all 2 links");
    }
}
