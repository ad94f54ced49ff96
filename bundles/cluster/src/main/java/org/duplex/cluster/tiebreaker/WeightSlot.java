package org.duplex.cluster.tiebreaker;

/**
 * A node's published tiebreaker weight in its slot of the lease store.
 *
 * @param weight   groups active on the node (zero or more)
 * @param sequence changes on every write of the slot (a node rewrites it after its disk path recovers), so the
 *                 holder can tell that a node it once handed the lease to in vain can use the disk again
 */
public record WeightSlot(int weight, long sequence) {
    public WeightSlot {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0, was " + weight);
        }
    }
}
