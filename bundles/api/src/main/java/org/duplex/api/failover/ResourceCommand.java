package org.duplex.api.failover;

import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.ResourceId;

/**
 * An order from the coordinator to one node's executor. The receiving node looks the resource up in its own
 * (replicated) configuration and refuses orders from an older fencing epoch than the newest it has seen.
 *
 * @param kind     start, stop or probe (one monitor call)
 * @param resource the resource
 * @param group    its group, for the history
 * @param epoch    the coordinator's fencing epoch
 * @param reason   why, for the receiving node's history
 */
public record ResourceCommand(Kind kind, ResourceId resource, Optional<ResourceId> group, FencingEpoch epoch,
                              String reason) {

    public enum Kind { START, STOP, PROBE }

    public ResourceCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
    }
}
