package org.duplex.api.cluster;

import org.duplex.api.model.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Powers a node off (or cuts it from the shared storage) with the configured fencing devices; registered by the
 * failover bundle. The cluster bundle uses it to take the two-node disk lease over from a holder that stopped
 * renewing it: once that holder is confirmed off it cannot renew, so the survivor need not wait for the lease to
 * expire (Pacemaker recovers resources the same way, right after a confirmed fence).
 */
@ProviderType
public interface NodeFencing {

    /** True when a configured device lists this node. */
    boolean covers(NodeId node);

    /**
     * Fences {@code node} unless a fence of it was already confirmed at or after {@code notBeforeNanos}
     * ({@link System#nanoTime()} of this JVM), in which case that one is returned at once. Blocks at most the sum
     * of the node's devices' timeouts: never call it on a thread that must stay responsive.
     */
    Outcome fence(NodeId node, long notBeforeNanos, String reason) throws InterruptedException;

    /**
     * @param fenced           true only when a device confirmed the node is off
     * @param confirmedAtNanos {@link System#nanoTime()} when the device confirmed it (meaningless if not fenced)
     * @param detail           what the devices answered, for the log
     */
    record Outcome(boolean fenced, long confirmedAtNanos, String detail) {
    }
}
