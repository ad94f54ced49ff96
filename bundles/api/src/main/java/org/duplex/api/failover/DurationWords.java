package org.duplex.api.failover;

import java.time.Duration;
import java.util.Locale;

/**
 * The duration words of the failover configuration, wherever it is written or read (the failover bundle's files and
 * commands, the cluster's replicated copy): {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 10m}, {@code 1h},
 * {@code 0}; a bare number is seconds.
 */
public final class DurationWords {

    private DurationWords() {
    }

    /** @throws IllegalArgumentException naming {@code what} and the text when it is not a duration */
    public static Duration parse(String text, String what) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration (use 500ms, 2s, 10m, 1h)");
        }
    }

    /** The shortest word {@link #parse} reads back as {@code d} (millisecond precision). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
