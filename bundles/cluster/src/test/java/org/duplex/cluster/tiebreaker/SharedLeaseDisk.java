package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.duplex.api.model.NodeId;

/**
 * An in-memory shared lease area for tests: one record and the weight slots, seen by each node through its own
 * {@link LeaseStore} whose disk path can fail; an optional hook sees (and may fail) every record write.
 */
public final class SharedLeaseDisk {

    /** Called for every record write after the path check; may throw to fail it. */
    @FunctionalInterface
    public interface WriteHook {
        void beforeWrite(NodeId writer, LeaseRecord record) throws IOException;
    }

    private LeaseRecord record;
    private final Map<NodeId, WeightSlot> weights = new HashMap<>();

    public Optional<LeaseRecord> record() {
        return Optional.ofNullable(record);
    }

    public Map<NodeId, WeightSlot> weights() {
        return weights;
    }

    /** @param diskUp false makes every access of this node fail with EIO */
    public LeaseStore viewFor(NodeId node, BooleanSupplier diskUp, WriteHook hook) {
        return new LeaseStore() {
            private void check() throws IOException {
                if (!diskUp.getAsBoolean()) {
                    throw new IOException("EIO on " + node + " (simulated disk path failure)");
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
                hook.beforeWrite(node, r);
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
                return "shared-disk";
            }
        };
    }
}
