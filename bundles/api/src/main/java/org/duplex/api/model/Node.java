package org.duplex.api.model;

import java.util.Objects;

/** A cluster node as the rest of the cluster sees it. */
public record Node(NodeId id, NodeRole role, NodeMode mode, Liveness liveness) {

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(liveness, "liveness");
    }

    /** True when this node may be given resources now. */
    public boolean canRunResources() {
        return role == NodeRole.MEMBER && mode == NodeMode.ONLINE && liveness == Liveness.ALIVE;
    }

    public Node withMode(NodeMode newMode) {
        return new Node(id, role, newMode, liveness);
    }

    public Node withLiveness(Liveness newLiveness) {
        return new Node(id, role, mode, newLiveness);
    }
}
