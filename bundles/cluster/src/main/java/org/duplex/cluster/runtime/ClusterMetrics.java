package org.duplex.cluster.runtime;

import java.util.List;
import java.util.Map;

import org.duplex.api.admin.ClusterStatus;
import org.duplex.api.admin.NodeInfo;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeMode;

/**
 * The cluster's metrics (quorum, votes, epoch, configuration version, view changes, and per configured node: in
 * the view, liveness, mode, coordinator), from the same {@link AdminOperations#statusValue()} that ha:status and
 * GET /status show, so the three cannot disagree. States are written as state sets: one sample per possible state,
 * 1 for the current one, so a change never makes a series vanish.
 */
public final class ClusterMetrics {

    /** The liveness words the status shows: the enum's, plus SELF for the answering node. */
    static final List<String> LIVENESS;

    static {
        List<String> l = new java.util.ArrayList<>();
        l.add("SELF");
        for (Liveness v : Liveness.values()) {
            l.add(v.name());
        }
        LIVENESS = List.copyOf(l);
    }

    private ClusterMetrics() {
    }

    public static void write(ClusterAdmin admin, MetricsWriter out) {
        ClusterStatus s = new AdminOperations(admin, AdminOperations.CONFIRM).statusValue();
        out.gauge("duplex_cluster_info", "The cluster's name and the answering node (value 1).",
                Map.of("cluster", s.clusterName(), "node", s.localNode()), 1);
        out.gauge("duplex_cluster_quorate", "1 when this node's partition has quorum, else 0.", Map.of(),
                s.quorate() ? 1 : 0);
        out.gauge("duplex_cluster_votes", "Quorum votes present in this node's partition.", Map.of(), s.votes());
        out.gauge("duplex_cluster_expected_votes", "Quorum votes expected (configured).", Map.of(),
                s.expectedVotes());
        out.gauge("duplex_cluster_epoch", "The fencing epoch this node knows (rises at every coordinator term).",
                Map.of(), s.epoch());
        out.gauge("duplex_cluster_config_version", "Version of the replicated configuration this node holds.",
                Map.of(), s.configVersion());
        out.counter("duplex_cluster_view_changes_total", "Membership views this node installed since it started.",
                Map.of(), admin.viewChanges());
        long inView = s.nodes().stream().filter(NodeInfo::inView).count();
        out.gauge("duplex_cluster_nodes_in_view", "Configured nodes in this node's membership view.", Map.of(),
                inView);
        out.gauge("duplex_cluster_nodes", "Configured nodes.", Map.of(), s.nodes().size());
        for (NodeInfo n : s.nodes()) {
            out.gauge("duplex_cluster_node_in_view", "1 when the node is in this node's membership view.",
                    Map.of("node", n.id()), n.inView() ? 1 : 0);
            out.gauge("duplex_cluster_node_coordinator", "1 for the coordinator, 0 for the other nodes.",
                    Map.of("node", n.id()), n.coordinator() ? 1 : 0);
            for (String l : LIVENESS) {
                out.gauge("duplex_cluster_node_liveness", "Liveness of each node as this node combines the view and "
                        + "the heartbeat (1 for the current state).", Map.of("node", n.id(), "liveness", l),
                        l.equals(n.liveness()) ? 1 : 0);
            }
            for (NodeMode m : NodeMode.values()) {
                out.gauge("duplex_cluster_node_mode", "Configured mode of each node (1 for the current one).",
                        Map.of("node", n.id(), "mode", m.name()), m.name().equals(n.mode()) ? 1 : 0);
            }
        }
    }
}
