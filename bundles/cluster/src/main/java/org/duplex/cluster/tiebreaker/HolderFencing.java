package org.duplex.cluster.tiebreaker;

import org.duplex.api.model.NodeId;

/**
 * How the disk lease fences a holder that stopped renewing (the failover bundle's devices in a running node, a
 * simulated power switch in the simulator). Never blocks: a fence is requested, then its state is polled.
 */
public interface HolderFencing {

    enum Status { NONE, RUNNING, CONFIRMED, FAILED }

    /** @param detail what the devices answered, or why no fence runs */
    record State(Status status, String detail) {
    }

    /** Starts a fence of {@code node} unless one that would count is under way, confirmed or failed just now. */
    void request(NodeId node, long notBeforeNanos, String reason);

    /** The latest fence of {@code node}; CONFIRMED only if it was confirmed at or after {@code notBeforeNanos}. */
    State state(NodeId node, long notBeforeNanos);

    /** No fencing: the lease of a silent holder is only ever taken after it expired. */
    HolderFencing NONE = new HolderFencing() {
        @Override
        public void request(NodeId node, long notBeforeNanos, String reason) {
        }

        @Override
        public State state(NodeId node, long notBeforeNanos) {
            return new State(Status.NONE, "no fencing");
        }
    };
}
