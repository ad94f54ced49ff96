package org.duplex.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A registered cluster's health as its console card shows it, computed from what its node answered to
 * {@code GET /status} and {@code GET /groups}.
 *
 * @param clusterName  the name the cluster gives itself
 * @param answeredBy   the node that answered
 * @param quorate      whether it has quorum
 * @param quorumReason why (or why not)
 * @param coordinator  its coordinator (null when none)
 * @param epoch        its fencing epoch
 * @param nodes        its nodes, each with mode and whether in the view
 * @param nodesUp      how many are in the view
 * @param groups       every group with where it runs
 * @param groupsRunning groups running somewhere
 * @param groupsFailed groups with a failed resource, or stopped and blocked by the policy engine
 */
public record ClusterHealth(String clusterName, String answeredBy, boolean quorate, String quorumReason,
                            String coordinator, long epoch, List<Node> nodes, int nodesUp, List<Group> groups,
                            int groupsRunning, int groupsFailed) {

    /** A node: its id, mode (ONLINE, STANDBY, ...), whether in the view, liveness. */
    public record Node(String id, String mode, boolean inView, String liveness) {
    }

    /** A group: where it runs, whether failed, and why (failed resources, block reasons). */
    public record Group(String id, List<String> runningOn, boolean failed, List<String> why) {
    }

    static ClusterHealth of(JsonNode status, JsonNode groups) {
        List<Node> nodes = new ArrayList<>();
        int up = 0;
        for (JsonNode n : status.path("nodes")) {
            boolean in = n.path("inView").asBoolean(false);
            up += in ? 1 : 0;
            nodes.add(new Node(n.path("id").asText(), n.path("mode").asText(null), in,
                    n.path("liveness").asText(null)));
        }
        List<Group> gs = new ArrayList<>();
        int running = 0;
        int failed = 0;
        for (JsonNode g : groups) {
            List<String> on = new ArrayList<>();
            g.path("runningOn").forEach(x -> on.add(x.asText()));
            List<String> why = new ArrayList<>();
            g.path("states").fields().forEachRemaining(node -> node.getValue().fields().forEachRemaining(r -> {
                if (r.getValue().asText().toLowerCase(java.util.Locale.ROOT).startsWith("fail")) {
                    why.add(r.getKey() + " failed on " + node.getKey());
                }
            }));
            if (on.isEmpty()) {
                g.path("blocked").forEach(x -> why.add(x.asText()));
            }
            boolean isFailed = !why.isEmpty();
            running += on.isEmpty() ? 0 : 1;
            failed += isFailed ? 1 : 0;
            gs.add(new Group(g.path("id").asText(), on, isFailed, why));
        }
        JsonNode coordinator = status.path("coordinator");
        return new ClusterHealth(status.path("clusterName").asText(null), status.path("localNode").asText(null),
                status.path("quorate").asBoolean(false), status.path("quorumReason").asText(null),
                coordinator.isTextual() ? coordinator.asText() : null, status.path("epoch").asLong(0), nodes, up, gs,
                running, failed);
    }
}
