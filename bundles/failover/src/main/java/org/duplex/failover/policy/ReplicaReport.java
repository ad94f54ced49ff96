package org.duplex.failover.policy;

import java.time.Instant;
import java.util.Objects;

import org.duplex.api.agent.ReplicaStatus;

/**
 * The last {@link ReplicaStatus} a promotable resource's agent reported on one node, and when. The controller
 * keeps a dead node's last report: it is what the engine knows of the data that node had.
 *
 * @param status role, position, whom it follows
 * @param at     when the agent reported it
 */
public record ReplicaReport(ReplicaStatus status, Instant at) {

    public ReplicaReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
    }
}
