package org.duplex.heartbeat.detect;

import java.time.Duration;
import java.time.Instant;

/** A clock tests move by hand. */
public final class ManualClock implements DetectorClock {

    private long millis;
    private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public synchronized long monotonicMillis() {
        return millis;
    }

    @Override
    public synchronized Instant now() {
        return epoch.plusMillis(millis);
    }

    public synchronized void advance(Duration d) {
        millis += d.toMillis();
    }

    public void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }
}
