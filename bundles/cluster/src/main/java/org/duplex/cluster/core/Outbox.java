package org.duplex.cluster.core;

import java.util.Optional;

import org.duplex.api.model.NodeId;

/** Where the core sends messages: to one node, or (empty target) to every member of its current view. */
@FunctionalInterface
public interface Outbox {
    void send(Optional<NodeId> target, ClusterMessage message);
}
