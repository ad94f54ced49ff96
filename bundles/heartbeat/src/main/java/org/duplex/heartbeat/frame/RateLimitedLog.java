package org.duplex.heartbeat.frame;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Logs at most one line per key (reason + source) per period, with the number of lines suppressed since, so that
 * a flood of forged frames cannot flood the log.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final Map<String, long[]> state = new ConcurrentHashMap<>(); // key -> {lastLogged, suppressed}

    public RateLimitedLog(Logger log, long periodNanos, LongSupplier nanoTime) {
        this.log = log;
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
    }

    /** Logs a warning unless one was logged for this key within the period. Returns true if it logged. */
    public boolean warn(String key, String message) {
        long now = nanoTime.getAsLong();
        long[] s = state.computeIfAbsent(key, k -> new long[] {now - periodNanos - 1, 0});
        long suppressed;
        synchronized (s) {
            if (now - s[0] <= periodNanos) {
                s[1]++;
                return false;
            }
            suppressed = s[1];
            s[0] = now;
            s[1] = 0;
        }
        if (state.size() > 1024) {
            state.clear(); // bounded: forgetting only costs an extra log line
        }
        log.warn(suppressed > 0 ? message + " (" + suppressed + " similar suppressed)" : message);
        return true;
    }
}
