package org.duplex.failover.service;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.store.FailoverConfigStore;

/** What the shell commands (and later ha:status) use; provided by {@link FailoverComponent}. */
public interface FailoverService {

    FailoverConfigStore store();

    Plan plan();

    FailoverController.Simulation simulate(Optional<NodeId> failedNode);

    /**
     * What the engine would do if every node of {@code failedNodes} died now, planning with {@code candidate}
     * instead of the running configuration when given; nothing is carried out or saved.
     *
     * @throws IllegalArgumentException an unknown node
     */
    default FailoverController.Simulation simulate(java.util.Set<NodeId> failedNodes,
                                                   Optional<org.duplex.failover.model.FailoverConfig> candidate) {
        if (candidate.isEmpty() && failedNodes.size() <= 1) {
            return simulate(failedNodes.stream().findFirst());
        }
        throw new UnsupportedOperationException("this failover service simulates one failed node at most");
    }

    FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target) throws IOException;

    /**
     * A switchover that either places the group on the target by an operator preference (the default; the
     * configured node order is kept) or, with {@code reorder}, moves the target to the front of the node list.
     *
     * @param by who asked (for the placement and the history)
     */
    default FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target,
                                                           boolean reorder, String by) throws IOException {
        if (reorder) {
            throw new UnsupportedOperationException("this failover service cannot reorder");
        }
        return switchover(group, target);
    }

    /** Who runs the current command, for placements and history: "admin on node2", or the node alone. */
    default String origin() {
        return "operator";
    }

    /**
     * Removes a group's operator placement ({@code ha:switchover --clear}); the engine then places it by its
     * priority, stickiness and failback policy.
     *
     * @return the placement removed, empty when there was none
     */
    default Optional<org.duplex.failover.model.Placement> clearPlacement(ResourceId group, String by)
            throws IOException {
        throw new UnsupportedOperationException("this failover service has no placements");
    }

    /**
     * The coordinator an operator request typed here must be forwarded to (a switchover or cleanup only means
     * something on the coordinator); empty when this node is the coordinator, or cannot forward (no quorum, no
     * cluster), and runs the operation itself.
     */
    default Optional<NodeId> forwardTo() {
        return Optional.empty();
    }

    /** Runs an operator request on {@link #forwardTo()} and returns its answer; throws its refusal. */
    default String forward(String operation, List<String> arguments) throws InterruptedException {
        throw new IllegalStateException("this node cannot forward " + operation + " to the coordinator");
    }

    int cleanup(ResourceId resource);

    List<History.Entry> history(Optional<ResourceId> group);

    Map<NodeId, Map<ResourceId, ResourceState>> states();

    List<Failure> failures();

    Optional<ResourceAgent> agent(String type);

    /** The ResourceMonitor of a type registered on this node (any bundle or plug-in), if any. */
    default Optional<org.duplex.api.monitor.ResourceMonitor> monitorType(String type) {
        return Optional.empty();
    }

    /**
     * The latest bound-monitor results this node knows, from every node: node to binding name to its
     * {@link org.duplex.failover.executor.Executor#HEALTH} report (state FAILED once {@code count} checks failed in
     * a row; the reason is the monitor's own, prefixed with the verdict).
     */
    default Map<NodeId, Map<ResourceId, org.duplex.failover.executor.Report>> monitorResults() {
        return Map.of();
    }

    /**
     * The last role and replication position each node reported for each promotable resource (a dead node's last
     * report included): what {@code ha:status} shows as a standby's lag, and what the engine promotes from.
     */
    default Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas() {
        return Map.of();
    }

    /** What the controller counted for the metrics (failovers, switchovers, actions). */
    default org.duplex.failover.control.FailoverCounters counters() {
        return new org.duplex.failover.control.FailoverCounters();
    }

    /** Asks for a decision round soon (after a configuration change). */
    void trigger();

    /** The configured fencing devices, by name. */
    default List<FenceDevice> fenceDevices() {
        return List.of();
    }

    /** Nodes listed by a group that no fencing device covers. */
    default java.util.Set<NodeId> nodesWithoutFencing() {
        return java.util.Set.of();
    }

    /** Failed fences waiting for their retry: node to "at 12:00:03.1 (what the devices said), retry at ...". */
    default Map<NodeId, String> pendingFenceRetries() {
        return Map.of();
    }

    /**
     * {@code ha:fence}: runs the action on the node's devices now, recorded in the history; a confirmed off
     * counts the node's resources as stopped.
     *
     * @throws IllegalArgumentException no device covers the node
     */
    default List<FenceResult> fence(NodeId node, FenceAction action) throws InterruptedException {
        throw new IllegalArgumentException("no fencing devices on this node");
    }

    /**
     * This node is ending itself (an SBD poison pill): refuse every operation but stops from now on, and stop
     * every resource running here, each bounded by its stop timeout. Returns when the stops ended.
     */
    default void stopEverythingBeforeTheEnd(String why) {
    }
}
