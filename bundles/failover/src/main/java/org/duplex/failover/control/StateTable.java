package org.duplex.failover.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Report;
import org.duplex.failover.policy.Failure;

/** What the coordinator knows of every resource on every node, and the failures it counted. Thread-safe. */
public final class StateTable {

    private final Map<NodeId, Map<ResourceId, ResourceState>> states = new TreeMap<>();
    private final List<Failure> failures = new ArrayList<>();
    /** Nodes that reported at least once since this table exists; the others are probed before anything. */
    private final java.util.Set<NodeId> reported = new java.util.HashSet<>();
    private final int maxFailures;
    /** The latest bound-monitor result ({@link Executor#HEALTH} report) per node and binding name. */
    private final Map<NodeId, Map<ResourceId, Report>> health = new TreeMap<>();
    /**
     * The last role and position each node reported for each promotable resource. Kept when a node dies or is
     * fenced: what a dead primary last had is what a promotion can lose.
     */
    private final Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas = new TreeMap<>();

    public StateTable(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    public synchronized void apply(Report r) {
        if (r.operation().equals("refused")) {
            return;
        }
        if (r.operation().equals(Executor.HEALTH)) {
            // a monitor's result, not a resource's: it says nothing about what runs there (no "reported")
            if (r.state() == ResourceState.STOPPED) {
                Map<ResourceId, Report> m = health.get(r.node());
                if (m != null) {
                    m.remove(r.resource());
                }
            } else {
                health.computeIfAbsent(r.node(), k -> new TreeMap<>()).put(r.resource(), r);
            }
            return;
        }
        reported.add(r.node());
        states.computeIfAbsent(r.node(), k -> new LinkedHashMap<>()).put(r.resource(), r.state());
        r.replica().ifPresent(rs -> {
            Map<NodeId, org.duplex.failover.policy.ReplicaReport> m = replicas.computeIfAbsent(r.resource(),
                    k -> new TreeMap<>());
            org.duplex.failover.policy.ReplicaReport old = m.get(r.node());
            // a report without a position (server not answering) keeps the last known position
            if (rs.position().isEmpty() && old != null && old.status().position().isPresent()) {
                rs = new org.duplex.api.agent.ReplicaStatus(rs.role(), old.status().position(), rs.following(),
                        rs.detail());
            }
            if (old == null || !old.at().isAfter(r.at())) {
                m.put(r.node(), new org.duplex.failover.policy.ReplicaReport(rs, r.at()));
            }
        });
        Failure f = new Failure(r.node(), r.resource(), r.at(), r.operation() + ": " + r.result().reason());
        // the same report can arrive twice (the operation's answer and the executor's published report)
        if (r.failure() && !failures.contains(f)) {
            failures.add(f);
            while (failures.size() > maxFailures) {
                failures.remove(0);
            }
        }
    }

    public synchronized void set(NodeId node, ResourceId resource, ResourceState state) {
        reported.add(node);
        states.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(resource, state);
    }

    /** A node was fenced: nothing runs there any more. */
    public synchronized void clearNode(NodeId node) {
        states.remove(node);
        reported.add(node);
    }

    /**
     * A fence of the node succeeded: nothing runs there any more, and when it comes back it is probed like a node
     * never heard from (its JVM may have survived a fabric fence, its VIP may still be up).
     */
    public synchronized void fenced(NodeId node) {
        states.remove(node);
        health.remove(node);
        reported.remove(node);
    }

    public synchronized boolean hasReported(NodeId node) {
        return reported.contains(node);
    }

    /**
     * A new coordinator term began here: what the other members of its view run is whatever they say in this term,
     * not what this table last heard (a merge after a partition brings back nodes whose groups moved meanwhile).
     * Their states become UNKNOWN and they count as never reported, so the engine probes them before deciding.
     * Nodes outside the view keep their last known states: without quorum they cannot have started anything since.
     */
    public synchronized void newTerm(NodeId local, java.util.Set<NodeId> members) {
        for (Map.Entry<NodeId, Map<ResourceId, ResourceState>> e : states.entrySet()) {
            if (!e.getKey().equals(local) && members.contains(e.getKey())) {
                e.getValue().replaceAll((r, s) -> ResourceState.UNKNOWN);
            }
        }
        reported.removeIf(n -> !n.equals(local) && members.contains(n));
    }

    /** A node went silent: what it runs is unknown until it is probed again after its return. */
    public synchronized void forgetNode(NodeId node) {
        Map<ResourceId, ResourceState> m = states.get(node);
        if (m != null) {
            m.replaceAll((r, s) -> s == ResourceState.STOPPED ? s : ResourceState.UNKNOWN);
        }
    }

    /** {@code ha:cleanup}: failures forgotten, FAILED/BLOCKED states to be probed again. */
    public synchronized int cleanup(ResourceId resource) {
        int before = failures.size();
        failures.removeIf(f -> f.resource().equals(resource));
        for (Map<ResourceId, ResourceState> m : states.values()) {
            m.computeIfPresent(resource, (r, s) -> s == ResourceState.FAILED || s == ResourceState.BLOCKED
                    ? ResourceState.UNKNOWN : s);
        }
        return before - failures.size();
    }

    /**
     * Drops the replica reports the configuration no longer gives a meaning to: of a resource that is gone or no
     * longer promotable, or of a node no longer in its group's node list. Such a report (a removed node that was
     * once the most advanced copy) would otherwise hold every remaining copy "too far behind" and block promotion
     * until {@code promote-force}. The reports of configured nodes are kept however long they are silent: what a
     * dead primary last had is what a promotion can lose, and only the operator may decide to lose it.
     *
     * @param relevant per promotable resource, the nodes of its group
     * @return how many reports were dropped
     */
    public synchronized int retainReplicas(Map<ResourceId, java.util.Set<NodeId>> relevant) {
        int dropped = 0;
        for (java.util.Iterator<Map.Entry<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>>> it =
             replicas.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> e = it.next();
            java.util.Set<NodeId> nodes = relevant.getOrDefault(e.getKey(), java.util.Set.of());
            int before = e.getValue().size();
            e.getValue().keySet().retainAll(nodes);
            dropped += before - e.getValue().size();
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        return dropped;
    }

    /** The last replica report of each promotable resource on each node (copies). */
    public synchronized Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas() {
        Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> out = new TreeMap<>();
        replicas.forEach((r, m) -> out.put(r, new TreeMap<>(m)));
        return out;
    }

    public synchronized Map<NodeId, Map<ResourceId, ResourceState>> states() {
        Map<NodeId, Map<ResourceId, ResourceState>> copy = new TreeMap<>();
        states.forEach((n, m) -> copy.put(n, Map.copyOf(m)));
        return copy;
    }

    /** How many of {@code groups} run completely (every member RUNNING) on {@code node}: the tiebreaker weight. */
    public synchronized int completeGroups(NodeId node, List<org.duplex.api.model.ResourceGroup> groups) {
        Map<ResourceId, ResourceState> m = states.getOrDefault(node, Map.of());
        int n = 0;
        for (org.duplex.api.model.ResourceGroup g : groups) {
            if (!g.resources().isEmpty() && g.resources().stream().allMatch(r -> m.get(r) == ResourceState.RUNNING)) {
                n++;
            }
        }
        return n;
    }

    /** The latest bound-monitor results: node to binding name to its {@link Executor#HEALTH} report. */
    public synchronized Map<NodeId, Map<ResourceId, Report>> health() {
        Map<NodeId, Map<ResourceId, Report>> copy = new TreeMap<>();
        health.forEach((n, m) -> copy.put(n, Map.copyOf(m)));
        return copy;
    }

    /** The previous result of a binding on a node, if any (to notice changes). */
    public synchronized java.util.Optional<Report> health(NodeId node, ResourceId monitor) {
        return java.util.Optional.ofNullable(health.getOrDefault(node, Map.of()).get(monitor));
    }

    public synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Failures older than {@code keep} are dropped (the engine ignores expired ones anyway). */
    public synchronized void expire(Instant now, Duration keep) {
        failures.removeIf(f -> f.at().plus(keep).isBefore(now));
    }
}
