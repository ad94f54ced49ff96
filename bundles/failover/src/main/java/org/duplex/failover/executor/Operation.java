package org.duplex.failover.executor;

import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;

/**
 * One order for the local executor.
 *
 * @param kind     start, stop, a one-shot probe (monitor), or for a promotable resource promote / follow
 * @param resource the resource with its parameters and timeouts
 * @param group    its group, for the history
 * @param epoch    the fencing epoch of the decision that ordered it
 * @param reason   why (from the plan), kept in the history
 * @param peer     FOLLOW: the node whose primary to follow
 */
public record Operation(Kind kind, Resource resource, Optional<ResourceId> group, FencingEpoch epoch, String reason,
                        Optional<NodeId> peer) {

    public enum Kind { START, STOP, PROBE, PROMOTE, FOLLOW }

    /** Any operation but FOLLOW. */
    public Operation(Kind kind, Resource resource, Optional<ResourceId> group, FencingEpoch epoch, String reason) {
        this(kind, resource, group, epoch, reason, Optional.empty());
    }

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(peer, "peer");
        if (kind == Kind.FOLLOW && peer.isEmpty()) {
            throw new IllegalArgumentException("a follow operation needs the node to follow");
        }
    }
}
