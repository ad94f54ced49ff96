package org.duplex.cluster.tiebreaker;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.duplex.api.model.NodeId;

/**
 * The arbitration lease as stored on the shared disk.
 *
 * @param holder  the node holding the lease
 * @param counter bumped on every write, so readers can see the holder is alive and renewing
 * @param members the holder's current partition: a non-holder may count itself quorate only while the holder
 *                lists it here
 * @param epoch   the highest fencing epoch the holder knows: in a two-node cluster the disk is what carries the
 *                epoch from one side of a split to the other
 */
public record LeaseRecord(NodeId holder, long counter, Set<NodeId> members, long epoch) {
    public LeaseRecord {
        Objects.requireNonNull(holder, "holder");
        members = Set.copyOf(new TreeSet<>(members));
    }
}
