package org.duplex.api.admin;

import java.time.Duration;
import java.util.Map;
import java.util.SortedSet;

import org.duplex.api.monitor.HealthStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The monitor bundle's administrative side: the monitor types plug-ins installed on this node ({@code ha:monitors})
 * and one check run now ({@code ha:monitor-check}). Bindings of monitors into failover are the failover bundle's
 * ({@link FailoverAdmin#monitors()}).
 *
 * @since 1.3
 */
@ProviderType
public interface MonitorAdmin {

    SortedSet<String> types();

    /** The timeout of a check run without one. */
    Duration defaultTimeout();

    /**
     * Runs one check of {@code type} now, on this node; a check that fails, overruns or throws is a status with its
     * reason, not an exception.
     *
     * @throws AdminException no such type here (NOT_FOUND, field {@code type}), parameters it rejects (INVALID,
     *                        field {@code params})
     */
    HealthStatus check(String type, Map<String, String> params, Duration timeout) throws AdminException;
}
