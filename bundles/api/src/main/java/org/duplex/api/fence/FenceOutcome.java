package org.duplex.api.fence;

import java.time.Duration;
import java.util.Objects;

/**
 * What a fencing agent answered.
 *
 * @param done    off/on: done and confirmed; status: the state could be read
 * @param power   the node's power state as the device last saw it
 * @param detail  a sentence an operator can act on ("VM DC1/vm/node1 powered off (confirmed poweredOff)")
 * @param timedOut true when the operation did not finish within its timeout
 * @param elapsed how long it took
 */
public record FenceOutcome(boolean done, Power power, String detail, boolean timedOut, Duration elapsed) {

    /** A node's power state as a fencing device sees it. */
    public enum Power {
        ON, OFF, UNKNOWN
    }

    public FenceOutcome {
        Objects.requireNonNull(power, "power");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(elapsed, "elapsed");
        if (timedOut && done) {
            throw new IllegalArgumentException("an operation that timed out is not done");
        }
    }

    public static FenceOutcome done(Power power, String detail, Duration elapsed) {
        return new FenceOutcome(true, power, detail, false, elapsed);
    }

    public static FenceOutcome failed(String detail, Duration elapsed) {
        return new FenceOutcome(false, Power.UNKNOWN, detail, false, elapsed);
    }

    public static FenceOutcome timedOut(String detail, Duration elapsed) {
        return new FenceOutcome(false, Power.UNKNOWN, detail, true, elapsed);
    }
}
