package org.duplex.failover.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;

/**
 * One recorded failure of a resource on a node (failed start, failed monitor, failed stop).
 *
 * @param node     where it failed
 * @param resource what failed
 * @param at       when
 * @param reason   the agent's words ("monitor: exit 7, process 4242 gone")
 */
public record Failure(NodeId node, ResourceId resource, Instant at, String reason) {

    public Failure {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }

    /** True while the failure still counts at {@code now}; a zero timeout never expires. */
    public boolean countsAt(Instant now, Duration failureTimeout) {
        return failureTimeout.isZero() || at.plus(failureTimeout).isAfter(now);
    }
}
