package org.duplex.api.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One managed resource: a virtual IP, a process, a filesystem, a mirror, a database...
 *
 * @param id              unique name in the cluster
 * @param type            the agent type that manages it ("vip", "process", "ping"...)
 * @param params          agent parameters, validated by the agent
 * @param timeouts        explicit limits for each operation
 * @param monitorInterval how often the executor runs the monitor operation
 */
public record Resource(ResourceId id, String type, Map<String, String> params,
                       OperationTimeouts timeouts, Duration monitorInterval) {

    public Resource {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("resource " + id + ": type must not be blank");
        }
        params = Map.copyOf(Objects.requireNonNull(params, "params"));
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(monitorInterval, "monitorInterval");
        if (monitorInterval.isNegative() || monitorInterval.isZero()) {
            throw new IllegalArgumentException("resource " + id + ": monitor interval must be positive");
        }
    }

    /** A resource with default timeouts and a 10 s monitor interval. */
    public static Resource of(String id, String type, Map<String, String> params) {
        return new Resource(ResourceId.of(id), type, params, OperationTimeouts.DEFAULTS, Duration.ofSeconds(10));
    }
}
