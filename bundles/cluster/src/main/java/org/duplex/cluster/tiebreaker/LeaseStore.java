package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.model.NodeId;

/**
 * Where the arbitration lease lives: a region of a shared disk (or a file on shared storage). Besides the lease
 * record it has one request slot per node (as sanlock's lease requests): each node publishes its tiebreaker
 * weight in its own slot, and only the lease holder reads them.
 */
public interface LeaseStore {

    /** Reads the record; empty when the region was never written. Throws on I/O failure or a torn record. */
    Optional<LeaseRecord> read() throws IOException;

    /** Writes the record durably (returns only after the device acknowledged a flush). */
    void write(LeaseRecord record) throws IOException;

    /**
     * Writes {@code node}'s weight into its own slot durably. Throws when the store has no slot for that node or
     * on I/O failure.
     */
    void writeWeight(NodeId node, WeightSlot slot) throws IOException;

    /** The weights in all slots, by node; a node that never published one is absent. Throws on a torn slot. */
    Map<NodeId, WeightSlot> readWeights() throws IOException;

    /** Releases what the store keeps open; a later operation opens it again. */
    default void close() {
    }
}
