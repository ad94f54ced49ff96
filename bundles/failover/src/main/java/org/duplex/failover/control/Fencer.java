package org.duplex.failover.control;

import java.time.Duration;
import java.util.Set;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;

/**
 * Powers a node off (IPMI, a hypervisor, a PDU, a script...). The controller calls it on the coordinator before
 * it starts the node's groups elsewhere; {@link org.duplex.failover.fence.FenceDevices} is the implementation
 * backed by the configured devices.
 */
public interface Fencer {

    /** How long the engine waits after a failed fence before trying again, when no device says otherwise. */
    Duration DEFAULT_RETRY = Duration.ofSeconds(5);

    /**
     * @param fenced   true only when a device confirmed the node is off
     * @param detail   what the devices answered, for the log and the history
     * @param attempts one line per device tried, in order ("level 1 ipmi: off node1 -> ..."), each recorded in the
     *                 history on its own
     */
    record Outcome(boolean fenced, String detail, java.util.List<String> attempts) {

        public Outcome {
            java.util.Objects.requireNonNull(detail, "detail");
            attempts = java.util.List.copyOf(attempts);
        }

        public Outcome(boolean fenced, String detail) {
            this(fenced, detail, java.util.List.of());
        }
    }

    /**
     * Fences {@code node}: its fencing levels in order until a device confirms it off; blocks at most the sum of its
     * devices' timeouts (the controller waits for it).
     */
    Outcome fence(NodeId node, FencingEpoch epoch, String reason) throws InterruptedException;

    /** Nodes some device can fence. */
    default Set<NodeId> coverage() {
        return Set.of();
    }

    default Duration retryInterval(NodeId node) {
        return DEFAULT_RETRY;
    }

    /** No fencing device: every fence fails (and the groups that need one stay blocked). */
    Fencer NONE = (node, epoch, reason) -> new Outcome(false, "no fencing device covers " + node
            + " (add etc/" + "org.duplex.failover.fence-<name>.cfg listing it in nodes =)");
}
