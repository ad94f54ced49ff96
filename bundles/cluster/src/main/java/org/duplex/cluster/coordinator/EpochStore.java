package org.duplex.cluster.coordinator;

import java.io.IOException;

/** Durable storage of the highest fencing epoch this node has seen or issued. */
public interface EpochStore {

    /** The stored epoch, 0 when none was stored yet. */
    long load() throws IOException;

    /** Stores the epoch durably; returns only after it is on disk. Never called with a smaller value. */
    void store(long epoch) throws IOException;

    /** In memory (simulation, tests): survives a simulated restart when the same instance is reused. */
    final class InMemory implements EpochStore {
        private long value;

        @Override
        public synchronized long load() {
            return value;
        }

        @Override
        public synchronized void store(long epoch) {
            if (epoch < value) {
                throw new IllegalStateException("epoch must not go backwards: " + value + " -> " + epoch);
            }
            value = epoch;
        }
    }
}
