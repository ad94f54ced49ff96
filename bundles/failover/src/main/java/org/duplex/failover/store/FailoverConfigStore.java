package org.duplex.failover.store;

import java.io.IOException;
import java.util.function.Consumer;

import org.duplex.failover.model.FailoverConfig;

/**
 * Where the failover configuration lives: {@link FileConfigStore} (a local file, without a cluster) or
 * {@link org.duplex.failover.replicated.ReplicatedFailoverConfigStore} (the cluster's replicated document).
 */
public interface FailoverConfigStore {

    FailoverConfig load();

    /** Replaces the configuration if it is still {@code expected} (compare-and-set), else throws. */
    void save(FailoverConfig expected, FailoverConfig updated) throws IOException;

    /** Calls {@code listener} on every change (with the new configuration); returns a handle that removes it. */
    AutoCloseable addListener(Consumer<FailoverConfig> listener);
}
