package org.duplex.failover.policy;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.model.FailoverConfig;

/**
 * Everything the policy engine decides from. A value: the engine reads nothing else (no clock, no I/O).
 *
 * @param config    resources, groups, policies, options
 * @param nodes     every known node with its role, mode and liveness
 * @param nodeNotes why a node has its liveness ("silent on all 3 links since 12:00:01.2"), for reasons
 * @param states    last reported state of each resource on each node; a missing entry means STOPPED
 * @param failures  recorded failures (expired ones are ignored by the engine)
 * @param now       the time the decision is made at
 * @param quorum    quorum, coordinator and fencing epoch as the deciding node sees them
 * @param fencing   nodes a fencing device covers, and recent failed fences with their retry time
 * @param unhealthy per group, the nodes a node-health monitor ({@code on=node}) currently fails on, with the
 *                  monitor's reason: those nodes are not eligible for that group
 * @param replicas  per promotable resource, the last role and replication position reported on each node
 *                  (kept for dead nodes: what they last had), from which the engine chooses whom to promote
 */
public record ClusterSnapshot(FailoverConfig config, Map<NodeId, Node> nodes, Map<NodeId, String> nodeNotes,
                              Map<NodeId, Map<ResourceId, ResourceState>> states, List<Failure> failures,
                              Instant now, QuorumState quorum, FencingView fencing,
                              Map<ResourceId, Map<NodeId, String>> unhealthy,
                              Map<ResourceId, Map<NodeId, ReplicaReport>> replicas) {

    /** Without replica reports (no promotable resource has reported yet). */
    public ClusterSnapshot(FailoverConfig config, Map<NodeId, Node> nodes, Map<NodeId, String> nodeNotes,
                           Map<NodeId, Map<ResourceId, ResourceState>> states, List<Failure> failures,
                           Instant now, QuorumState quorum, FencingView fencing,
                           Map<ResourceId, Map<NodeId, String>> unhealthy) {
        this(config, nodes, nodeNotes, states, failures, now, quorum, fencing, unhealthy, Map.of());
    }

    /** Without node-health results. */
    public ClusterSnapshot(FailoverConfig config, Map<NodeId, Node> nodes, Map<NodeId, String> nodeNotes,
                           Map<NodeId, Map<ResourceId, ResourceState>> states, List<Failure> failures,
                           Instant now, QuorumState quorum, FencingView fencing) {
        this(config, nodes, nodeNotes, states, failures, now, quorum, fencing, Map.of());
    }

    /** Without fencing devices. */
    public ClusterSnapshot(FailoverConfig config, Map<NodeId, Node> nodes, Map<NodeId, String> nodeNotes,
                           Map<NodeId, Map<ResourceId, ResourceState>> states, List<Failure> failures,
                           Instant now, QuorumState quorum) {
        this(config, nodes, nodeNotes, states, failures, now, quorum, FencingView.NONE);
    }

    public ClusterSnapshot {
        Objects.requireNonNull(config, "config");
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(nodes, "nodes")));
        nodeNotes = Map.copyOf(Objects.requireNonNull(nodeNotes, "nodeNotes"));
        Map<NodeId, Map<ResourceId, ResourceState>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(states, "states").forEach((n, m) -> copy.put(n, Map.copyOf(m)));
        states = Collections.unmodifiableMap(copy);
        failures = List.copyOf(Objects.requireNonNull(failures, "failures"));
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(fencing, "fencing");
        Map<ResourceId, Map<NodeId, String>> bans = new LinkedHashMap<>();
        Objects.requireNonNull(unhealthy, "unhealthy").forEach((g, m) -> bans.put(g, Map.copyOf(m)));
        unhealthy = Collections.unmodifiableMap(bans);
        Map<ResourceId, Map<NodeId, ReplicaReport>> reps = new LinkedHashMap<>();
        Objects.requireNonNull(replicas, "replicas").forEach((r, m) -> reps.put(r, Map.copyOf(m)));
        replicas = Collections.unmodifiableMap(reps);
    }

    /** The last replica report of {@code resource} on {@code node}; empty when it never reported. */
    public java.util.Optional<ReplicaReport> replica(ResourceId resource, NodeId node) {
        return java.util.Optional.ofNullable(replicas.getOrDefault(resource, Map.of()).get(node));
    }

    public ClusterSnapshot withReplicas(Map<ResourceId, Map<NodeId, ReplicaReport>> newReplicas) {
        return new ClusterSnapshot(config, nodes, nodeNotes, states, failures, now, quorum, fencing, unhealthy,
                newReplicas);
    }

    /** Why {@code node} fails a node-health monitor bound to {@code group}; empty when it does not. */
    public java.util.Optional<String> unhealthy(ResourceId group, NodeId node) {
        return java.util.Optional.ofNullable(unhealthy.getOrDefault(group, Map.of()).get(node));
    }

    public ResourceState state(NodeId node, ResourceId resource) {
        return states.getOrDefault(node, Map.of()).getOrDefault(resource, ResourceState.STOPPED);
    }

    public ClusterSnapshot withStates(Map<NodeId, Map<ResourceId, ResourceState>> newStates) {
        return new ClusterSnapshot(config, nodes, nodeNotes, newStates, failures, now, quorum, fencing, unhealthy,
                replicas);
    }

    public ClusterSnapshot withNodes(Map<NodeId, Node> newNodes, Map<NodeId, String> newNotes) {
        return new ClusterSnapshot(config, newNodes, newNotes, states, failures, now, quorum, fencing, unhealthy,
                replicas);
    }

    public ClusterSnapshot withFencing(FencingView newFencing) {
        return new ClusterSnapshot(config, nodes, nodeNotes, states, failures, now, quorum, newFencing, unhealthy,
                replicas);
    }

    public ClusterSnapshot withUnhealthy(Map<ResourceId, Map<NodeId, String>> newUnhealthy) {
        return new ClusterSnapshot(config, nodes, nodeNotes, states, failures, now, quorum, fencing, newUnhealthy,
                replicas);
    }
}
