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
 */
public record Action(Op op, Intent intent, Optional<ResourceId> group, Optional<ResourceId> resource, NodeId node,
                     FencingEpoch epoch, String reason) {

    public enum Op { START, STOP, PROBE, FENCE, BLOCK }

    public enum Intent { START, RESTART, MOVE, FAILBACK, STOP, RECOVER, FENCE, BLOCKED, PROBE, NO_QUORUM }

    public Action {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(reason, "reason");
    }

    /** "stop web/app on node1 (move)", "fence node1 (fence)": the form scenario files compare. */
    public String summary() {
        String what;
        if (op == Op.FENCE) {
            what = "fence " + node;
        } else if (resource.isPresent()) {
            what = op.name().toLowerCase() + " " + group.map(g -> g + "/").orElse("") + resource.get() + " on " + node;
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
