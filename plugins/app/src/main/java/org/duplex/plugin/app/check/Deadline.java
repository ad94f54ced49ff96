package org.duplex.plugin.app.check;

import java.time.Duration;
import java.util.Locale;

/**
 * The time budget of one check. The work gets the timeout less a small reserve (5 %, at most 100 ms), so that a
 * check whose every step used its full remaining time still returns, with its reason written, within the timeout
 * the caller gave.
 *
 * @param startNanos {@link System#nanoTime()} when the check started
 * @param endNanos   when the work must be over
 */
public record Deadline(long startNanos, long endNanos) {

    public static Deadline of(Duration timeout) {
        long start = System.nanoTime();
        long total = Math.max(1_000_000L, timeout.toNanos());
        long reserve = Math.max(1_000_000L, Math.min(100_000_000L, total / 20));
        return new Deadline(start, start + Math.max(1_000_000L, total - reserve));
    }

    /** Milliseconds left for the work, at least 1 (socket and HTTP timeouts take 0 as "forever"). */
    public int remainingMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (endNanos - System.nanoTime()) / 1_000_000));
    }

    public boolean expired() {
        return System.nanoTime() - endNanos >= 0;
    }

    /** The whole budget of the work in milliseconds, for reasons ("no answer within 1900 ms"). */
    public long budgetMillis() {
        return (endNanos - startNanos) / 1_000_000;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** "0.4 ms", "12 ms": one decimal below 10 ms. */
    public static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.1f ms", ms) : Math.round(ms) + " ms";
    }
}
