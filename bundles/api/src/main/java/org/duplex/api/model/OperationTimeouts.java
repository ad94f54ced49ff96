package org.duplex.api.model;

import java.time.Duration;
import java.util.Objects;

/**
 * The explicit time limits of every agent operation on one resource. Nothing in Duplex waits without one.
 *
 * @param start    how long a start may take before it counts as failed
 * @param stop     how long a stop may take before it is escalated
 * @param monitor  how long one monitor call may take
 * @param validate how long a parameter check may take
 */
public record OperationTimeouts(Duration start, Duration stop, Duration monitor, Duration validate) {

    public static final OperationTimeouts DEFAULTS = new OperationTimeouts(
            Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5));

    public OperationTimeouts {
        requirePositive(start, "start");
        requirePositive(stop, "stop");
        requirePositive(monitor, "monitor");
        requirePositive(validate, "validate");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name + " timeout");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " timeout must be positive, was " + d);
        }
    }
}
