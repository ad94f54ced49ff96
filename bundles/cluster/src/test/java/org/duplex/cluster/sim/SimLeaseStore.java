package org.duplex.cluster.sim;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.tiebreaker.LeaseRecord;
import org.duplex.cluster.tiebreaker.LeaseStore;
import org.duplex.cluster.tiebreaker.WeightSlot;

/** The shared disk region of the simulation: one record and the weight slots, per-node access that can be cut. */
final class SimLeaseStore {

    private LeaseRecord record;
    private final Map<NodeId, WeightSlot> weights = new HashMap<>();

    Optional<LeaseRecord> record() {
        return Optional.ofNullable(record);
    }

    LeaseStore viewFor(SimNode node) {
        return new LeaseStore() {
            private void check() throws IOException {
                if (!node.diskUp) {
                    throw new IOException("simulated disk path failure on " + node.id);
                }
            }

            @Override
            public Optional<LeaseRecord> read() throws IOException {
                check();
                return Optional.ofNullable(record);
            }

            @Override
            public void write(LeaseRecord r) throws IOException {
                check();
                record = r;
            }

            @Override
            public void writeWeight(NodeId n, WeightSlot weight) throws IOException {
                check();
                weights.put(n, weight);
            }

            @Override
            public Map<NodeId, WeightSlot> readWeights() throws IOException {
                check();
                return Map.copyOf(weights);
            }

            @Override
            public String toString() {
                return "sim-disk";
            }
        };
    }
}
