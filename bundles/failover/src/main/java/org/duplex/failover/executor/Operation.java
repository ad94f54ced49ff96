package org.duplex.failover.executor;

import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;

/**
 * One order for the local executor.
 *
 * @param kind     start, stop or a one-shot probe (monitor)
 * @param resource the resource with its parameters and timeouts
 * @param group    its group, for the history
 * @param epoch    the fencing epoch of the decision that ordered it
 * @param reason   why (from the plan), kept in the history
 */
public record Operation(Kind kind, Resource resource, Optional<ResourceId> group, FencingEpoch epoch, String reason) {

    public enum Kind { START, STOP, PROBE }

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
    }
}
