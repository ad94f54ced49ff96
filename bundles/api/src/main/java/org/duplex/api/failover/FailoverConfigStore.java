package org.duplex.api.failover;

import java.io.IOException;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the failover configuration lives. The failover bundle ships a local file store; the cluster's replicated
 * configuration can register its own implementation with a higher service ranking to replace it.
 */
@ProviderType
public interface FailoverConfigStore {

    FailoverConfig load();

    /** Replaces the configuration if it is still {@code expected} (compare-and-set), else throws. */
    void save(FailoverConfig expected, FailoverConfig updated) throws IOException;

    /** Calls {@code listener} on every change (with the new configuration); returns a handle that removes it. */
    AutoCloseable addListener(Consumer<FailoverConfig> listener);
}
