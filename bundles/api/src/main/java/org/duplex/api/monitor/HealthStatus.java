package org.duplex.api.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of one health check.
 *
 * @param health  the verdict
 * @param reason  a sentence saying why ("10.0.0.1 answered in 0.4 ms", "no answer from 10.0.0.1 within 1 s")
 * @param elapsed how long the check took
 */
public record HealthStatus(Health health, String reason, Duration elapsed) {

    public HealthStatus {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public static HealthStatus healthy(String reason, Duration elapsed) {
        return new HealthStatus(Health.HEALTHY, reason, elapsed);
    }

    public static HealthStatus unhealthy(String reason, Duration elapsed) {
        return new HealthStatus(Health.UNHEALTHY, reason, elapsed);
    }

    public static HealthStatus unknown(String reason, Duration elapsed) {
        return new HealthStatus(Health.UNKNOWN, reason, elapsed);
    }
}
