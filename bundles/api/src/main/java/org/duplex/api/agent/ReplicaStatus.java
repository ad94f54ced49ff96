package org.duplex.api.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PromotableAgent#status} saw of the local copy.
 *
 * @param role      its role now
 * @param position  how far it has got; empty when it cannot tell (server not answering, data unreadable)
 * @param following for a standby, the node it follows when the agent knows it
 * @param detail    a sentence for the operator ("standby streaming from node1, replayed up to 0/3000148")
 */
public record ReplicaStatus(Role role, Optional<ReplicationPosition> position, Optional<String> following,
                           String detail) {

    /** The roles of a copy. */
    public enum Role { PRIMARY, STANDBY, STOPPED }

    public ReplicaStatus {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(following, "following");
        Objects.requireNonNull(detail, "detail");
    }

    public static ReplicaStatus stopped(Optional<ReplicationPosition> onDisk, String detail) {
        return new ReplicaStatus(Role.STOPPED, onDisk, Optional.empty(), detail);
    }
}
