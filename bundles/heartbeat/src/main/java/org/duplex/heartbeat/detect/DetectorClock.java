package org.duplex.heartbeat.detect;

import java.time.Instant;

/** Time as the detector sees it: a monotonic millisecond counter for decisions, wall time for events. */
public interface DetectorClock {

    long monotonicMillis();

    Instant now();

    DetectorClock SYSTEM = new DetectorClock() {
        @Override
        public long monotonicMillis() {
            return System.nanoTime() / 1_000_000L;
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}
