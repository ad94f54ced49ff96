package org.duplex.cluster.config;

import java.io.IOException;
import java.util.Optional;

/** Durable storage of the last configuration this node accepted. */
public interface ConfigStore {

    Optional<ClusterConfig> load() throws IOException;

    /** Stores durably (atomic replace); returns only after it is on disk. */
    void save(ClusterConfig config) throws IOException;

    /** In memory (simulation, tests): survives a simulated restart when the same instance is reused. */
    final class InMemory implements ConfigStore {
        private ClusterConfig value;

        public InMemory() {
        }

        public InMemory(ClusterConfig initial) {
            this.value = initial;
        }

        @Override
        public synchronized Optional<ClusterConfig> load() {
            return Optional.ofNullable(value);
        }

        @Override
        public synchronized void save(ClusterConfig config) {
            value = config;
        }
    }
}
