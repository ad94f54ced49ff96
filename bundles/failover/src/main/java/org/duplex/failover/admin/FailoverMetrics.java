package org.duplex.failover.admin;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.duplex.api.metrics.MetricsWriter;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.control.FailoverCounters;
import org.duplex.failover.executor.MonitorStatus;
import org.duplex.failover.executor.Report;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.api.model.ResourceGroup;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.service.FailoverService;

/**
 * The failover engine's metrics: every configured resource's state on every node this node knows (a state set),
 * failure counts, bound-monitor results, and what the controller counted (failovers with their durations,
 * switchovers with their outages, actions). Read from the same state table ha:resource-show and GET /resources
 * use. States and results are as this node knows them: the coordinator knows every node's.
 */
public final class FailoverMetrics {

    private FailoverMetrics() {
    }

    public static void write(FailoverService service, MetricsWriter out) {
        FailoverConfig config = service.store().load();
        Map<NodeId, Map<ResourceId, ResourceState>> states = service.states();
        Map<ResourceId, String> groupOf = new HashMap<>();
        for (ResourceGroup g : config.groups()) {
            g.resources().forEach(r -> groupOf.put(r, g.id().toString()));
        }
        out.gauge("duplex_failover_groups", "Groups in the failover configuration this node holds.", Map.of(),
                config.groups().size());
        out.gauge("duplex_failover_resources", "Resources in the failover configuration this node holds.", Map.of(),
                config.resources().size());
        for (ResourceId r : new TreeMap<>(config.resources()).keySet()) {
            for (NodeId n : new TreeMap<>(states).keySet()) {
                ResourceState now = states.get(n).getOrDefault(r, ResourceState.UNKNOWN);
                for (ResourceState s : ResourceState.values()) {
                    out.gauge("duplex_failover_resource_state", "State of each resource on each node as this node "
                            + "knows it (1 for the current state).", Map.of("resource", r.toString(), "group",
                            groupOf.getOrDefault(r, ""), "node", n.value(), "state", s.name()), now == s ? 1 : 0);
                }
            }
        }
        Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0",
                b)));
        for (Failure f : service.failures()) {
            counts.merge(List.of(f.resource().toString(), f.node().value()), 1, Integer::sum);
        }
        for (ResourceId r : new TreeMap<>(config.resources()).keySet()) {
            for (NodeId n : new TreeMap<>(states).keySet()) {
                counts.putIfAbsent(List.of(r.toString(), n.value()), 0);
            }
        }
        counts.forEach((k, v) -> out.gauge("duplex_failover_resource_failures", "Failures of each resource on each "
                + "node the engine counts now (towards migration-threshold; ha:cleanup forgets them).",
                Map.of("resource", k.get(0), "node", k.get(1)), v));

        Map<NodeId, Map<ResourceId, Report>> health = service.monitorResults();
        for (NodeId n : new TreeMap<>(health).keySet()) {
            for (Map.Entry<ResourceId, Report> e : new TreeMap<>(health.get(n)).entrySet()) {
                String reason = e.getValue().result().reason();
                for (MonitorStatus.State s : MonitorStatus.State.values()) {
                    String word = s.word().toUpperCase(Locale.ROOT);
                    out.gauge("duplex_monitor_result", "Latest result of each bound monitor on each node (1 for the "
                            + "current one; FAILED: count failed checks in a row).", Map.of("monitor",
                            e.getKey().toString(), "node", n.value(), "result", s.name()),
                            reason.startsWith(word) ? 1 : 0);
                }
            }
        }

        FailoverCounters c = service.counters();
        for (ResourceGroup g : config.groups()) {
            String group = g.id().toString();
            for (String intent : FailoverCounters.FAILOVER_INTENTS) {
                FailoverCounters.Durations d = c.failovers().get(new FailoverCounters.MoveKey(group, intent));
                out.counter("duplex_failover_failovers_total", "Groups the engine started on another node (move: "
                        + "after a failure or a node's loss; recover: from a node fenced or gone; failback) while "
                        + "this node decided.", Map.of("group", group, "intent", intent), d == null ? 0 : d.count());
                out.summary("duplex_failover_failover_duration_seconds", "From the start of the decision round to "
                        + "the group's last confirmed start elsewhere (stops, fencing, starts; the detection time "
                        + "before the round is not included).", Map.of("group", group, "intent", intent),
                        d == null ? 0 : d.count(), d == null ? 0 : d.seconds());
            }
            FailoverCounters.Durations sw = c.switchovers().get(group);
            out.counter("duplex_failover_switchovers_total", "Operator switchovers of the group that completed on "
                    + "this node (the coordinator).", Map.of("group", group), sw == null ? 0 : sw.count());
            out.counter("duplex_failover_switchovers_failed_total", "Operator switchovers of the group that stopped "
                    + "at a failed step.", Map.of("group", group), c.failedSwitchovers().getOrDefault(group, 0L));
            out.summary("duplex_failover_switchover_outage_seconds", "Outage of each switchover: first stop to last "
                    + "confirmed start.", Map.of("group", group), sw == null ? 0 : sw.count(),
                    sw == null ? 0 : sw.seconds());
        }
        c.actions().forEach((k, v) -> out.counter("duplex_failover_actions_total", "Actions carried out from this "
                + "node (start, stop, fence; probes are not counted) by intent and outcome.", Map.of("op", k.op(), "intent",
                k.intent(), "result", k.ok() ? "ok" : "failed"), v));
    }
}
