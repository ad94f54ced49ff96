package org.duplex.api.failover;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;

/**
 * A node's executor reporting an operation result or a monitor state change.
 *
 * @param node      the executing node
 * @param resource  the resource
 * @param group     its group, if known
 * @param operation "start", "stop", "probe", "monitor" or "refused"
 * @param result    the agent's result
 * @param state     the resource's state on that node now
 * @param failure   true when it counts as a failure (failure counts, migration threshold)
 * @param at        when it was known
 * @param replica   for a promotable resource, the agent's role and position with this report
 */
public record ResourceReport(NodeId node, ResourceId resource, Optional<ResourceId> group, String operation,
                             OperationResult result, ResourceState state, boolean failure, Instant at,
                             Optional<ReplicaStatus> replica) {

    /** Without a replica status (every resource that is not promotable). */
    public ResourceReport(NodeId node, ResourceId resource, Optional<ResourceId> group, String operation,
                          OperationResult result, ResourceState state, boolean failure, Instant at) {
        this(node, resource, group, operation, result, state, failure, at, Optional.empty());
    }

    public ResourceReport {
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
