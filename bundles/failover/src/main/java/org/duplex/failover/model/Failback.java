package org.duplex.failover.model;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Whether a healthy group goes back to a more preferred node when that node returns.
 *
 * @param mode        automatic, manual or within a daily time window
 * @param windowStart start of the window (inclusive), for {@link Mode#WINDOW}
 * @param windowEnd   end of the window (exclusive); a window may cross midnight (22:00-06:00)
 */
public record Failback(Mode mode, LocalTime windowStart, LocalTime windowEnd) {

    public enum Mode {
        /** Goes back as soon as the preferred node is eligible (subject to stickiness). */
        AUTOMATIC,
        /** Stays where it runs until an operator switches it over. */
        MANUAL,
        /** Like AUTOMATIC inside the window, like MANUAL outside it. */
        WINDOW
    }

    public static final Failback AUTOMATIC = new Failback(Mode.AUTOMATIC, null, null);
    public static final Failback MANUAL = new Failback(Mode.MANUAL, null, null);

    public Failback {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.WINDOW) {
            Objects.requireNonNull(windowStart, "window start");
            Objects.requireNonNull(windowEnd, "window end");
            if (windowStart.equals(windowEnd)) {
                throw new IllegalArgumentException("failback window must not be empty: " + windowStart);
            }
        }
    }

    public static Failback window(LocalTime start, LocalTime end) {
        return new Failback(Mode.WINDOW, start, end);
    }

    /** True when a move back to a more preferred node is allowed at {@code now}. */
    public boolean allowsFailbackAt(Instant now, ZoneId zone) {
        switch (mode) {
            case AUTOMATIC:
                return true;
            case MANUAL:
                return false;
            default:
                LocalTime t = now.atZone(zone).toLocalTime();
                if (windowStart.isBefore(windowEnd)) {
                    return !t.isBefore(windowStart) && t.isBefore(windowEnd);
                }
                return !t.isBefore(windowStart) || t.isBefore(windowEnd);
        }
    }

    /** "automatic", "manual" or "window:22:00-06:00", the form configuration files use. */
    @Override
    public String toString() {
        return mode == Mode.WINDOW ? "window:" + windowStart + "-" + windowEnd : mode.name().toLowerCase();
    }

    public static Failback parse(String text) {
        String t = text.trim().toLowerCase();
        if (t.equals("automatic") || t.equals("auto")) {
            return AUTOMATIC;
        }
        if (t.equals("manual")) {
            return MANUAL;
        }
        if (t.startsWith("window:")) {
            String[] parts = t.substring("window:".length()).split("-");
            if (parts.length == 2) {
                try {
                    return window(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]));
                } catch (java.time.format.DateTimeParseException e) {
                    // fall through to the error below
                }
            }
        }
        throw new IllegalArgumentException("failback must be automatic, manual or window:HH:MM-HH:MM, was '"
                + text + "'");
    }
}
