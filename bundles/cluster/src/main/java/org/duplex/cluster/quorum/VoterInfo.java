package org.duplex.cluster.quorum;

import java.util.Objects;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeRole;

/** One configured node as the quorum sees it. */
public record VoterInfo(NodeId id, NodeRole role, int votes) {
    public VoterInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        if (votes < 0) {
            throw new IllegalArgumentException("votes of " + id + " must not be negative");
        }
    }
}
