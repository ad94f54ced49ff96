package org.duplex.failover.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.config.Tokens;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.Placement;

/**
 * One scenario file, Pacemaker cts/scheduler style: the input (configuration lines, nodes, resource states,
 * failures, quorum, now), then after a line {@code expect} the exact plan, the reasons it must give and where
 * the groups end up.
 *
 * <pre>
 * group web resources=vip,app nodes=node1,node2
 * resource vip type=vip ip=192.168.50.10
 * resource app type=process script=/opt/app
 * now 2026-01-01T12:00:05Z
 * quorum yes epoch=7 local=node2
 * node node1 dead note="silent on all 3 links since 12:00:01.2"
 * node node2 alive
 * state node1 vip=running app=running
 * failure node1 app 2026-01-01T12:00:00Z "monitor: exit 7"
 * fence-device ipmi1 nodes=node1,node2
 * fence-failed node1 at=2026-01-01T12:00:03Z retry=2026-01-01T12:00:08Z reason="ipmi1: exit 1: BMC unreachable"
 * placed web node2 by=admin at=2026-01-01T11:00:00Z     (an operator placement, ha:switchover)
 * replica node2 pg standby gen=1 offset=5000 at=2026-01-01T12:00:04Z following=node1   (a promotable's report)
 * expect
 * start web/vip on node2 (recover)
 * reason web moved to node2: node1 is dead
 * placement web=node2
 * </pre>
 */
record Scenario(String name, ClusterSnapshot snapshot, List<String> expectedActions, List<String> expectedReasons,
                Optional<String> expectedPlacement) {

    static Scenario parse(String name, String text) {
        StringBuilder config = new StringBuilder();
        Map<NodeId, Node> nodes = new LinkedHashMap<>();
        Map<NodeId, String> notes = new LinkedHashMap<>();
        Map<NodeId, Map<ResourceId, ResourceState>> states = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        Set<NodeId> covered = new java.util.LinkedHashSet<>();
        Map<NodeId, FencingView.FenceFailure> fenceFailures = new LinkedHashMap<>();
        Map<ResourceId, Placement> placed = new LinkedHashMap<>();
        Map<ResourceId, Map<NodeId, ReplicaReport>> replicas = new LinkedHashMap<>();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        boolean quorate = true;
        boolean settling = false;
        long epoch = 1;
        NodeId local = null;
        String quorumReason = "2 of 3 votes";
        List<String> actions = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Optional<String> placement = Optional.empty();
        boolean expecting = false;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (expecting) {
                    if (line.startsWith("reason ")) {
                        reasons.add(line.substring("reason ".length()).strip());
                    } else if (line.startsWith("placement")) {
                        placement = Optional.of(line.substring("placement".length()).strip());
                    } else {
                        actions.add(line);
                    }
                    continue;
                }
                List<String> w = Tokens.split(line);
                switch (w.get(0)) {
                    case "options": case "resource": case "group":
                        config.append(line).append('\n');
                        break;
                    case "now":
                        now = Instant.parse(w.get(1));
                        break;
                    case "quorum":
                        quorate = Tokens.bool(w.get(1), "quorum");
                        Map<String, String> kv = ConfigText.keyValues(w.subList(2, w.size()), Set.of("epoch",
                                "local", "reason", "settling"));
                        settling = kv.containsKey("settling") && Tokens.bool(kv.get("settling"), "settling");
                        epoch = kv.containsKey("epoch") ? Long.parseLong(kv.get("epoch")) : epoch;
                        local = kv.containsKey("local") ? NodeId.of(kv.get("local")) : local;
                        quorumReason = kv.getOrDefault("reason", quorumReason);
                        break;
                    case "node":
                        NodeId id = NodeId.of(w.get(1));
                        Liveness l = Liveness.valueOf(w.get(2).toUpperCase());
                        NodeMode mode = NodeMode.ONLINE;
                        NodeRole role = NodeRole.MEMBER;
                        for (String extra : w.subList(3, w.size())) {
                            if (extra.startsWith("note=")) {
                                notes.put(id, extra.substring(5));
                            } else if (extra.equals("witness")) {
                                role = NodeRole.WITNESS;
                            } else {
                                mode = NodeMode.valueOf(extra.toUpperCase());
                            }
                        }
                        nodes.put(id, new Node(id, role, mode, l));
                        break;
                    case "state":
                        NodeId on = NodeId.of(w.get(1));
                        Map<ResourceId, ResourceState> m = states.computeIfAbsent(on, k -> new LinkedHashMap<>());
                        ConfigText.keyValues(w.subList(2, w.size()), null).forEach((r, st) ->
                                m.put(ResourceId.of(r), ResourceState.valueOf(st.toUpperCase())));
                        break;
                    case "failure":
                        failures.add(new Failure(NodeId.of(w.get(1)), ResourceId.of(w.get(2)),
                                Instant.parse(w.get(3)), w.size() > 4 ? w.get(4) : "failed"));
                        break;
                    case "fence-device":
                        Map<String, String> dev = ConfigText.keyValues(w.subList(2, w.size()), Set.of("nodes"));
                        for (String n : dev.getOrDefault("nodes", "").split(",")) {
                            covered.add(NodeId.of(n.strip()));
                        }
                        break;
                    case "fence-failed":
                        Map<String, String> ff = ConfigText.keyValues(w.subList(2, w.size()), Set.of("at", "retry",
                                "reason"));
                        fenceFailures.put(NodeId.of(w.get(1)), new FencingView.FenceFailure(
                                Instant.parse(ff.get("at")), Instant.parse(ff.get("retry")),
                                ff.getOrDefault("reason", "failed")));
                        break;
                    case "placed":
                        Map<String, String> pk = ConfigText.keyValues(w.subList(3, w.size()), Set.of("by", "at"));
                        placed.put(ResourceId.of(w.get(1)), new Placement(NodeId.of(w.get(2)),
                                pk.getOrDefault("by", "admin"), Instant.parse(pk.getOrDefault("at",
                                "2026-01-01T11:00:00Z"))));
                        break;
                    case "replica":
                        Map<String, String> rk = ConfigText.keyValues(w.subList(4, w.size()), Set.of("gen", "offset",
                                "at", "following", "unit", "text"));
                        // unit=transactions text=0-1-8 for a MariaDB copy; PostgreSQL's bytes of WAL by default
                        Optional<ReplicationPosition> pos = rk.containsKey("offset") ? Optional.of(
                                new ReplicationPosition(Long.parseLong(rk.getOrDefault("gen", "1")),
                                        Long.parseLong(rk.get("offset")), rk.getOrDefault("unit", "bytes of WAL"),
                                        rk.getOrDefault("text", rk.get("offset") + " on timeline "
                                                + rk.getOrDefault("gen", "1"))))
                                : Optional.empty();
                        replicas.computeIfAbsent(ResourceId.of(w.get(2)), k -> new LinkedHashMap<>()).put(
                                NodeId.of(w.get(1)), new ReplicaReport(new ReplicaStatus(
                                        ReplicaStatus.Role.valueOf(w.get(3).toUpperCase()), pos,
                                        Optional.ofNullable(rk.get("following")), w.get(3)),
                                        Instant.parse(rk.getOrDefault("at", now.toString()))));
                        break;
                    case "expect":
                        expecting = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown line kind " + w.get(0));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (!expecting) {
            throw new IllegalArgumentException(name + ": no 'expect' line");
        }
        FailoverConfig cfg = ConfigText.parse(config.toString());
        for (Map.Entry<ResourceId, Placement> e : placed.entrySet()) {
            cfg = cfg.withPlacement(e.getKey(), e.getValue());
        }
        NodeId localNode = local != null ? local : nodes.keySet().iterator().next();
        QuorumState q = new QuorumState(localNode, quorate, quorate ? Optional.of(localNode) : Optional.empty(),
                new FencingEpoch(epoch), nodes.keySet(), quorate ? 2 : 1, 3, quorumReason, settling);
        return new Scenario(name, new ClusterSnapshot(cfg, nodes, notes, states, failures, now, q,
                new FencingView(covered, fenceFailures), Map.of(), replicas), actions,
                reasons, placement);
    }
}
