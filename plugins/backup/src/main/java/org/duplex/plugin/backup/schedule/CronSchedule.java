package org.duplex.plugin.backup.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Objects;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), the subset every cron documents:
 * {@code *}, numbers, ranges {@code a-b}, steps {@code *}{@code /n} and {@code a-b/n}, lists {@code a,b}. Day of week
 * 0-7 (0 and 7 are Sunday). As in cron, when both day fields are restricted a day matching either one matches.
 * No names (MON, JAN), no {@code L}, {@code W}, {@code #}, {@code ?} and no seconds: those are refused with a message.
 * Evaluated in a fixed time zone.
 */
public final class CronSchedule {

    private final String text;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet weekdays;
    private final boolean daysRestricted;
    private final boolean weekdaysRestricted;

    private CronSchedule(String text, ZoneId zone) {
        this.text = text;
        this.zone = zone;
        String[] f = text.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("schedule '" + text + "': needs 5 fields (minute hour day-of-month "
                    + "month day-of-week), e.g. '0 2 * * *' for 02:00 every day; found " + f.length);
        }
        minutes = field(f[0], "minute", 0, 59);
        hours = field(f[1], "hour", 0, 23);
        days = field(f[2], "day-of-month", 1, 31);
        months = field(f[3], "month", 1, 12);
        weekdays = field(f[4], "day-of-week", 0, 7);
        if (weekdays.get(7)) {
            weekdays.set(0);
        }
        daysRestricted = !f[2].startsWith("*");
        weekdaysRestricted = !f[4].startsWith("*");
    }

    public static CronSchedule parse(String text, ZoneId zone) {
        Objects.requireNonNull(text, "schedule");
        return new CronSchedule(text, zone);
    }

    public String text() {
        return text;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The latest slot at or before {@code t}, searching back at most ~4 years. */
    public Instant latestAtOrBefore(Instant t) {
        ZonedDateTime z = t.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
        ZonedDateTime limit = z.minusYears(4);
        while (z.isAfter(limit)) {
            if (!months.get(z.getMonthValue())) {
                z = z.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).minusMinutes(1);
            } else if (!dayMatches(z)) {
                z = z.truncatedTo(ChronoUnit.DAYS).minusMinutes(1);
            } else if (!hours.get(z.getHour())) {
                z = z.truncatedTo(ChronoUnit.HOURS).minusMinutes(1);
            } else if (!minutes.get(z.getMinute())) {
                z = z.minusMinutes(1);
            } else {
                return z.toInstant();
            }
        }
        throw new IllegalStateException("schedule '" + text + "' has no slot in the 4 years before " + t);
    }

    /** The first slot strictly after {@code t}. */
    public Instant nextAfter(Instant t) {
        ZonedDateTime z = t.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = z.plusYears(4);
        while (z.isBefore(limit)) {
            if (!months.get(z.getMonthValue())) {
                z = z.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(z)) {
                z = z.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(z.getHour())) {
                z = z.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(z.getMinute())) {
                z = z.plusMinutes(1);
            } else {
                return z.toInstant();
            }
        }
        throw new IllegalStateException("schedule '" + text + "' has no slot in the 4 years after " + t);
    }

    private boolean dayMatches(ZonedDateTime z) {
        boolean dom = days.get(z.getDayOfMonth());
        boolean dow = weekdays.get(z.getDayOfWeek().getValue() % 7);
        if (daysRestricted && weekdaysRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet field(String spec, String name, int min, int max) {
        BitSet set = new BitSet(max + 1);
        for (String part : spec.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), name, spec, 1, max);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", 2);
                lo = number(ab[0], name, spec, min, max);
                hi = number(ab[1], name, spec, min, max);
                if (hi < lo) {
                    throw new IllegalArgumentException("schedule " + name + " '" + spec + "': range " + range
                            + " runs backwards");
                }
            } else {
                lo = number(range, name, spec, min, max);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String s, String name, String spec, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("schedule " + name + " '" + spec + "': " + v
                        + " is outside " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule " + name + " '" + spec + "': '" + s + "' is not a number "
                    + "(this cron subset takes *, numbers, a-b, */n, a-b/n and lists; no names, L, W, # or ?)");
        }
    }

    @Override
    public String toString() {
        return text + " (" + zone + ")";
    }

    /** Same fields, same zone: the same schedule (a job whose definition did not change is left running). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule c && c.zone.equals(zone) && c.minutes.equals(minutes)
                && c.hours.equals(hours) && c.days.equals(days) && c.months.equals(months)
                && c.weekdays.equals(weekdays) && c.daysRestricted == daysRestricted
                && c.weekdaysRestricted == weekdaysRestricted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(zone, minutes, hours, days, months, weekdays);
    }
}
