package org.duplex.failover.executor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;

/**
 * What the executor tells the coordinator after an operation or a monitor that changed something.
 *
 * @param node      the executing node
 * @param resource  the resource
 * @param group     its group, if known
 * @param operation "start", "stop", "probe" or "monitor"
 * @param result    the agent's result (TIMEOUT when it did not return in time)
 * @param state     the resource's state on this node now
 * @param failure   true when this counts as a failure of the resource on this node (failure count)
 * @param at        when the result was known
 * @param replica   for a promotable resource, its agent's role and position with this report
 */
public record Report(NodeId node, ResourceId resource, Optional<ResourceId> group, String operation,
                     OperationResult result, ResourceState state, boolean failure, Instant at,
                     Optional<ReplicaStatus> replica) {

    /** Without a replica status. */
    public Report(NodeId node, ResourceId resource, Optional<ResourceId> group, String operation,
                  OperationResult result, ResourceState state, boolean failure, Instant at) {
        this(node, resource, group, operation, result, state, failure, at, Optional.empty());
    }

    public Report withReplica(Optional<ReplicaStatus> status) {
        return new Report(node, resource, group, operation, result, state, failure, at, status);
    }

    public Report {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(replica, "replica");
    }
}
