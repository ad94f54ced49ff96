package org.duplex.failover.executor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.duplex.api.agent.OperationResult;
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
 */
public record Report(NodeId node, ResourceId resource, Optional<ResourceId> group, String operation,
                     OperationResult result, ResourceState state, boolean failure, Instant at) {

    public Report {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }
}
