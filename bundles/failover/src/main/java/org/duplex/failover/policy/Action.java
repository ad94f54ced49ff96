package org.duplex.failover.policy;

import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;

/**
 * One step of a plan. Plans are executed in order and execution stops at the first step that fails (the engine
 * then decides again from the new state), so a start listed after a stop runs only once the stop is confirmed.
 *
 * @param op       what to do
 * @param intent   why, in one word (the operator's vocabulary: move, restart, failback...)
 * @param group    the group concerned (empty for a fence that serves several groups)
 * @param resource the resource, for start/stop/probe
 * @param node     where
 * @param epoch    the fencing epoch of the decision; executors refuse older epochs
 * @param reason   a sentence for the operator
 * @param peer     for {@link Op#FOLLOW}, the node whose primary the local standby follows
 */
public record Action(Op op, Intent intent, Optional<ResourceId> group, Optional<ResourceId> resource, NodeId node,
                     FencingEpoch epoch, String reason, Optional<NodeId> peer) {

    /**
     * START, STOP, PROBE, FENCE, BLOCK; and for promotable resources PROMOTE (the local standby becomes the
     * primary) and FOLLOW (run the local copy as a standby of {@code peer}).
     */
    public enum Op { START, STOP, PROBE, FENCE, BLOCK, PROMOTE, FOLLOW }

    public enum Intent { START, RESTART, MOVE, FAILBACK, STOP, RECOVER, FENCE, BLOCKED, PROBE, NO_QUORUM, FOLLOW }

    /** Any action but FOLLOW. */
    public Action(Op op, Intent intent, Optional<ResourceId> group, Optional<ResourceId> resource, NodeId node,
                  FencingEpoch epoch, String reason) {
        this(op, intent, group, resource, node, epoch, reason, Optional.empty());
    }

    public Action {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(peer, "peer");
        if (op == Op.FOLLOW && peer.isEmpty()) {
            throw new IllegalArgumentException("a follow action needs the node to follow");
        }
    }

    /** "stop web/app on node1 (move)", "fence node1 (fence)": the form scenario files compare. */
    public String summary() {
        String what;
        if (op == Op.FENCE) {
            what = "fence " + node;
        } else if (resource.isPresent()) {
            what = op.name().toLowerCase() + " " + group.map(g -> g + "/").orElse("") + resource.get() + " on " + node
                    + peer.map(p -> " from " + p).orElse("");
        } else {
            what = op.name().toLowerCase() + " " + group.map(Object::toString).orElse("-") + " on " + node;
        }
        return what + " (" + intent.name().toLowerCase().replace('_', '-') + ")";
    }

    @Override
    public String toString() {
        return summary() + " [" + epoch + "]: " + reason;
    }
}
