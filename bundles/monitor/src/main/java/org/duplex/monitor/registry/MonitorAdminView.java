package org.duplex.monitor.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Supplier;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.MonitorAdmin;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;

/**
 * The API's {@link MonitorAdmin} over the same {@link MonitorRegistry} {@code ha:monitors} and
 * {@code ha:monitor-check} use. Unlike the command, which prints an UNKNOWN status for an unknown type or rejected
 * parameters, this refuses them naming the field, so the REST API answers 404 / 400 instead of a 200 that says no.
 */
public final class MonitorAdminView implements MonitorAdmin {

    private final MonitorRegistry registry;
    private final Supplier<Duration> defaultTimeout;

    public MonitorAdminView(MonitorRegistry registry, Supplier<Duration> defaultTimeout) {
        this.registry = registry;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public SortedSet<String> types() {
        return registry.types();
    }

    @Override
    public Duration defaultTimeout() {
        return defaultTimeout.get();
    }

    @Override
    public HealthStatus check(String type, Map<String, String> params, Duration timeout) throws AdminException {
        ResourceMonitor monitor = registry.find(type).orElseThrow(() -> new AdminException(
                AdminException.Kind.NOT_FOUND, "type", "no monitor of type '" + type + "' is installed on this node "
                + "(installed: " + (registry.types().isEmpty() ? "none" : String.join(", ", registry.types())) + ")"));
        List<String> problems;
        try {
            problems = monitor.validate(params);
        } catch (RuntimeException e) {
            problems = List.of("validate threw " + e);
        }
        if (problems != null && !problems.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, "params", "invalid parameters for '" + type + "': "
                    + String.join("; ", problems));
        }
        return registry.check(type, params, timeout);
    }
}
