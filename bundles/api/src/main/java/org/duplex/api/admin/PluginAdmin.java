package org.duplex.api.admin;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The plug-in manager's administrative side: what {@code ha:plugin-list} shows and {@code ha:plugin-install} /
 * {@code ha:plugin-remove} do (the cluster's replicated plug-in set, and each node's report).
 *
 * @since 1.3
 */
@ProviderType
public interface PluginAdmin {

    /** The cluster's set, every node's state of every plug-in it names or reported, what this node could add. */
    PluginOverview plugins();

    /**
     * Adds a plug-in feature to the cluster's set (quorum needed), then waits up to {@code timeout} for every node's
     * report.
     *
     * @throws AdminException a name that is no plug-in (INVALID, field {@code name}), one not in this node's
     *                        feature repositories (NOT_FOUND, field {@code name}), or refused (no quorum)
     */
    PluginChange install(String name, Duration timeout) throws AdminException, InterruptedException;

    /**
     * Removes a plug-in feature from the cluster's set, then waits for every node's report.
     *
     * @throws AdminException not a plug-in name (INVALID), not in the set (NOT_FOUND, field {@code name}), refused
     */
    PluginChange remove(String name, Duration timeout) throws AdminException, InterruptedException;
}
