package org.duplex.api.cluster;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How much this node would take down with it if a split left it on the losing side: registered by the failover
 * bundle (the number of resource groups active here). A two-node tiebreaker hands its grant to the heavier member
 * while both are connected, so that a cut interconnect leaves the running services where they are instead of
 * stopping them on the side that happened to hold the tiebreaker. Must return fast and never block.
 */
@ConsumerType
public interface TiebreakerWeight {

    /** Zero or more; higher means the tiebreaker should prefer this node. */
    int weight();
}
