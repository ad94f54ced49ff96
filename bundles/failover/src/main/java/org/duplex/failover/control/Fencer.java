package org.duplex.failover.control;

import java.util.concurrent.CompletableFuture;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;

/** Powers a node off or resets it (IPMI, a hypervisor, a PDU...). Completes true only when confirmed. */
@FunctionalInterface
public interface Fencer {

    CompletableFuture<Boolean> fence(NodeId node, FencingEpoch epoch, String reason);

    /** The default: no fencing device, every fence fails (and the group stays blocked). */
    Fencer NONE = (node, epoch, reason) -> CompletableFuture.completedFuture(false);
}
