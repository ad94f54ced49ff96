package org.duplex.api.admin;

import java.util.Map;

/**
 * One configured node as {@code ha:status} shows it.
 *
 * @param id          node id
 * @param role        configured role
 * @param votes       quorum votes
 * @param mode        ONLINE, STANDBY, ...
 * @param inView      whether it is in the local node's membership view
 * @param liveness    SELF, ALIVE, PARTITIONED, DEAD, ...
 * @param coordinator whether it is the coordinator
 * @param links       heartbeat link id to its state, as this node sees it
 */
public record NodeInfo(String id, String role, int votes, String mode, boolean inView, String liveness,
                       boolean coordinator, Map<String, String> links) {

    public NodeInfo {
        links = Map.copyOf(links);
    }
}
