package org.duplex.api.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one agent operation.
 *
 * @param status  OCF status
 * @param reason  a sentence an operator can act on ("address 10.0.0.9 not on eth0")
 * @param elapsed how long the operation took
 */
public record OperationResult(OcfStatus status, String reason, Duration elapsed) {

    public OperationResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean isSuccess() {
        return status == OcfStatus.SUCCESS;
    }

    public static OperationResult success(String reason, Duration elapsed) {
        return new OperationResult(OcfStatus.SUCCESS, reason, elapsed);
    }

    public static OperationResult of(OcfStatus status, String reason, Duration elapsed) {
        return new OperationResult(status, reason, elapsed);
    }
}
