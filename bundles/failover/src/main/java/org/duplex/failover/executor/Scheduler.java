package org.duplex.failover.executor;

import java.time.Duration;
import java.time.Instant;

/**
 * Time for the executor: when things happen and when timeouts fire. Production uses {@link SystemScheduler};
 * tests use a virtual clock, so monitor intervals and operation timeouts are deterministic.
 */
public interface Scheduler {

    Instant now();

    /** Runs {@code task} once after {@code delay}; the handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
