package org.duplex.heartbeat.detect;

import java.time.Duration;

/**
 * How often a link sends and how long its silence is tolerated.
 *
 * @param interval time between frames (default 200 ms)
 * @param warn     silence after which the link is LATE (a warning)
 * @param dead     silence after which the link is DOWN (default 1 s)
 */
public record LinkTiming(Duration interval, Duration warn, Duration dead) {

    public static final LinkTiming DEFAULT = new LinkTiming(Duration.ofMillis(200), Duration.ofMillis(600),
            Duration.ofSeconds(1));

    public LinkTiming {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval.toMillis() + " ms");
        }
        if (dead.compareTo(interval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("dead time " + dead.toMillis() + " ms must be at least twice the interval "
                    + interval.toMillis() + " ms, or one lost frame kills the link");
        }
        if (warn.compareTo(interval) < 0 || warn.compareTo(dead) >= 0) {
            throw new IllegalArgumentException("warn time " + warn.toMillis() + " ms must lie between the interval "
                    + interval.toMillis() + " ms and the dead time " + dead.toMillis() + " ms");
        }
    }
}
