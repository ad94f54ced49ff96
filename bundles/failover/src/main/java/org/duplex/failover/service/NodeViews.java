package org.duplex.failover.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.ResourceGroup;

/**
 * How the engine's node list is made from the configuration, the membership view and the heartbeat: a pure
 * function, so the rule "heard but not a member = PARTITIONED, never taken over" is tested directly.
 */
public final class NodeViews {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.S").withZone(ZoneOffset.UTC);

    private NodeViews() {
    }

    /**
     * @param groups         configured groups (their nodes are known even if never heard: UNKNOWN)
     * @param quorum         the membership view (members are ALIVE unless the heartbeat says otherwise)
     * @param peers          the heartbeat's view, empty without a heartbeat
     * @param local          this node, always ALIVE
     * @param membershipKnown true when a cluster service provides the membership
     * @param modes          node modes set by the operator (missing: ONLINE)
     */
    public static Map<NodeId, Node> nodes(List<ResourceGroup> groups, QuorumState quorum, List<PeerStatus> peers,
                                          NodeId local, boolean membershipKnown, Map<NodeId, NodeMode> modes) {
        Map<NodeId, Node> out = new LinkedHashMap<>();
        for (ResourceGroup g : groups) {
            g.nodes().forEach(n -> out.put(n, node(n, Liveness.UNKNOWN, modes)));
        }
        quorum.members().forEach(n -> out.put(n, node(n, Liveness.ALIVE, modes)));
        for (PeerStatus p : peers) {
            Liveness lv = p.liveness();
            if ((lv == Liveness.ALIVE || lv == Liveness.SUSPECT) && membershipKnown
                    && !quorum.members().contains(p.peer())) {
                lv = Liveness.PARTITIONED;
            } else if (lv == Liveness.DEAD && membershipKnown && quorum.members().contains(p.peer())) {
                // A member the heartbeat has not heard yet: a node that just (re)joined the view before its first
                // frames arrived. A node the heartbeat declared dead is suspected out of the view at once, so this
                // is never a dead node; treating it as DEAD got a freshly booted node fenced in the lab.
                lv = Liveness.SUSPECT;
            }
            out.put(p.peer(), node(p.peer(), lv, modes));
        }
        out.put(local, node(local, Liveness.ALIVE, modes));
        return out;
    }

    /**
     * The operator's node modes from the cluster (standby, maintenance), read at every decision because a change
     * fires no listener. Without a cluster service, or if it fails, every node is online.
     */
    public static Map<NodeId, NodeMode> modes(ClusterService cluster) {
        if (cluster == null) {
            return Map.of();
        }
        try {
            Map<NodeId, NodeMode> m = cluster.nodeModes();
            return m == null ? Map.of() : m;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(NodeViews.class).warn(
                    "node modes unavailable from the cluster service ({}); every node counts as online", e.toString());
            return Map.of();
        }
    }

    /** Reasons for the engine: the heartbeat's own words when they match, else a summary of the links. */
    public static Map<NodeId, String> notes(List<PeerStatus> peers, Map<NodeId, PeerEvent> lastEvents) {
        Map<NodeId, String> out = new LinkedHashMap<>();
        for (PeerStatus p : peers) {
            PeerEvent ev = lastEvents.get(p.peer());
            if (ev != null && ev.liveness() == p.liveness() && !ev.reason().isBlank()) {
                out.put(p.peer(), ev.reason());
                continue;
            }
            List<LinkStatus> links = p.links();
            Optional<Instant> last = links.stream().flatMap(s -> s.lastHeard().stream()).max(Instant::compareTo);
            long down = links.stream().filter(s -> s.state() == LinkState.DOWN).count();
            if (p.liveness() == Liveness.DEAD) {
                out.put(p.peer(), "silent on all " + links.size() + " links"
                        + last.map(t -> " since " + TIME.format(t)).orElse(""));
            } else if (down > 0) {
                out.put(p.peer(), down + " of " + links.size() + " links down");
            }
        }
        return out;
    }

    private static Node node(NodeId id, Liveness l, Map<NodeId, NodeMode> modes) {
        return new Node(id, NodeRole.MEMBER, modes.getOrDefault(id, NodeMode.ONLINE), l);
    }
}
