package org.duplex.cluster.sim;

import java.io.IOException;
import java.util.Optional;

import org.duplex.cluster.tiebreaker.LeaseRecord;
import org.duplex.cluster.tiebreaker.LeaseStore;

/** The shared disk region of the simulation: one record, per-node access that can be cut. */
final class SimLeaseStore {

    private LeaseRecord record;

    LeaseStore viewFor(SimNode node) {
        return new LeaseStore() {
            @Override
            public Optional<LeaseRecord> read() throws IOException {
                if (!node.diskUp) {
                    throw new IOException("simulated disk path failure on " + node.id);
                }
                return Optional.ofNullable(record);
            }

            @Override
            public void write(LeaseRecord r) throws IOException {
                if (!node.diskUp) {
                    throw new IOException("simulated disk path failure on " + node.id);
                }
                record = r;
            }

            @Override
            public String toString() {
                return "sim-disk";
            }
        };
    }
}
