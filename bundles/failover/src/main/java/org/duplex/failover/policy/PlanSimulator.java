package org.duplex.failover.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;

/**
 * Applies a plan to a snapshot as if every step succeeded, checking on the way that no start happens while the
 * group may still be active on another node that is not dead. Used by {@code ha:simulate} and by the tests.
 *
 * <p>For a promotable member a standby ({@link ResourceState#STANDBY}) does not count as the group being active,
 * a PROMOTE is checked like a START (no other node that is not dead may run the group, its primary included), and
 * a FOLLOW must not find the node's copy running as a primary (it would be a second one until it stops).
 */
public final class PlanSimulator {

    /** The snapshot after the plan, plus every safety violation found while applying it. */
    public record Outcome(ClusterSnapshot after, List<String> violations) {

        /** Group to the nodes where any of its members runs afterwards. */
        public Map<ResourceId, List<NodeId>> placement() {
            Map<ResourceId, List<NodeId>> out = new TreeMap<>();
            for (ResourceGroup g : after.config().groups()) {
                List<NodeId> where = new ArrayList<>();
                for (NodeId n : after.states().keySet()) {
                    if (g.resources().stream().anyMatch(r -> after.state(n, r) == ResourceState.RUNNING)
                            && after.nodes().containsKey(n) && after.nodes().get(n).liveness() != Liveness.DEAD) {
                        where.add(n);
                    }
                }
                where.sort(null);
                out.put(g.id(), where);
            }
            return out;
        }
    }

    public Outcome apply(ClusterSnapshot before, Plan plan) {
        Map<NodeId, Map<ResourceId, ResourceState>> states = new LinkedHashMap<>();
        before.states().forEach((n, m) -> states.put(n, new LinkedHashMap<>(m)));
        Map<NodeId, Node> nodes = new LinkedHashMap<>(before.nodes());
        List<String> violations = new ArrayList<>();
        for (Action a : plan.actions()) {
            switch (a.op()) {
                case FENCE:
                    states.remove(a.node());
                    Node n = nodes.get(a.node());
                    if (n != null) {
                        nodes.put(a.node(), n.withLiveness(Liveness.DEAD));
                    }
                    break;
                case STOP:
                    states.computeIfAbsent(a.node(), k -> new LinkedHashMap<>())
                            .put(a.resource().orElseThrow(), ResourceState.STOPPED);
                    break;
                case FOLLOW:
                    ResourceState was = states.getOrDefault(a.node(), Map.of())
                            .getOrDefault(a.resource().orElseThrow(), ResourceState.STOPPED);
                    if (was == ResourceState.RUNNING) {
                        violations.add(a.summary() + " while " + a.resource().get() + " runs there as a primary");
                    }
                    if (a.peer().filter(a.node()::equals).isPresent()) {
                        violations.add(a.summary() + ": a copy cannot follow itself");
                    }
                    states.computeIfAbsent(a.node(), k -> new LinkedHashMap<>())
                            .put(a.resource().orElseThrow(), ResourceState.STANDBY);
                    break;
                case PROMOTE:
                case START:
                    ResourceGroup g = before.config().group(a.group().orElseThrow()).orElseThrow();
                    for (Map.Entry<NodeId, Map<ResourceId, ResourceState>> e : states.entrySet()) {
                        NodeId other = e.getKey();
                        if (other.equals(a.node())) {
                            continue;
                        }
                        Node on = nodes.get(other);
                        boolean dead = on != null && on.liveness() == Liveness.DEAD;
                        for (ResourceId r : g.resources()) {
                            ResourceState st = e.getValue().getOrDefault(r, ResourceState.STOPPED);
                            boolean standby = st == ResourceState.STANDBY
                                    && Promotion.isPromotable(before.config().resources().get(r));
                            if (st != ResourceState.STOPPED && !standby && !dead) {
                                violations.add(a.summary() + " while " + r + " is " + st + " on " + other);
                            }
                        }
                    }
                    if (!plan.epoch().equals(a.epoch())) {
                        violations.add(a.summary() + " carries " + a.epoch() + ", plan has " + plan.epoch());
                    }
                    states.computeIfAbsent(a.node(), k -> new LinkedHashMap<>())
                            .put(a.resource().orElseThrow(), ResourceState.RUNNING);
                    break;
                default:
                    break;
            }
        }
        ClusterSnapshot after = before.withStates(states).withNodes(nodes, before.nodeNotes());
        return new Outcome(after, violations);
    }

    /** Convenience: where each group ends up, "-" when stopped. */
    public static String placementLine(Outcome o) {
        StringBuilder sb = new StringBuilder();
        o.placement().forEach((g, where) -> sb.append(sb.length() == 0 ? "" : " ").append(g).append('=')
                .append(where.isEmpty() ? "-" : String.join("+", where.stream().map(Object::toString).toList())));
        return sb.toString();
    }

}
