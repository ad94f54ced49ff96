package org.duplex.api.failover;

import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;

/**
 * An order from the coordinator to one node's executor. The receiving node looks the resource up in its own
 * (replicated) configuration and refuses orders from an older fencing epoch than the newest it has seen.
 *
 * @param kind     start, stop, probe (one monitor call), or for a promotable resource promote / follow
 * @param resource the resource
 * @param group    its group, for the history
 * @param epoch    the coordinator's fencing epoch
 * @param reason   why, for the receiving node's history
 * @param peer     for FOLLOW, the node whose primary to follow
 */
public record ResourceCommand(Kind kind, ResourceId resource, Optional<ResourceId> group, FencingEpoch epoch,
                              String reason, Optional<NodeId> peer) {

    public enum Kind { START, STOP, PROBE, PROMOTE, FOLLOW }

    /** Any order but FOLLOW. */
    public ResourceCommand(Kind kind, ResourceId resource, Optional<ResourceId> group, FencingEpoch epoch,
                           String reason) {
        this(kind, resource, group, epoch, reason, Optional.empty());
    }

    public ResourceCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(peer, "peer");
        if (kind == Kind.FOLLOW && peer.isEmpty()) {
            throw new IllegalArgumentException("a follow order needs the node to follow");
        }
    }
}
