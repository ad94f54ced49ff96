package org.duplex.plugin.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void dailyAtTwo() {
        CronSchedule c = CronSchedule.parse("0 2 * * *", UTC);
        assertThat(c.latestAtOrBefore(Instant.parse("2026-12-06T01:59:59Z"))).isEqualTo("2026-12-05T02:00:00Z");
        assertThat(c.latestAtOrBefore(Instant.parse("2026-12-06T02:00:00Z"))).isEqualTo("2026-12-06T02:00:00Z");
        assertThat(c.nextAfter(Instant.parse("2026-12-06T02:00:00Z"))).isEqualTo("2026-12-07T02:00:00Z");
        assertThat(c.nextAfter(Instant.parse("2026-12-31T03:00:00Z"))).isEqualTo("2027-01-01T02:00:00Z");
    }

    @Test
    void stepsRangesAndLists() {
        CronSchedule c = CronSchedule.parse("*/15 8-17 * * 1-5", UTC);
        // Saturday 2026-12-05 -> Monday 2026-12-07 08:00
        assertThat(c.nextAfter(Instant.parse("2026-12-05T09:00:00Z"))).isEqualTo("2026-12-07T08:00:00Z");
        assertThat(c.nextAfter(Instant.parse("2026-12-07T08:00:00Z"))).isEqualTo("2026-12-07T08:15:00Z");
        assertThat(c.latestAtOrBefore(Instant.parse("2026-12-07T07:00:00Z"))).isEqualTo("2026-12-04T17:45:00Z");
        CronSchedule l = CronSchedule.parse("5,35 0 1 1,7 *", UTC);
        assertThat(l.nextAfter(Instant.parse("2026-02-01T00:00:00Z"))).isEqualTo("2026-07-01T00:05:00Z");
    }

    @Test
    void dayOfMonthOrDayOfWeekWhenBothRestricted() {
        // the 1st of the month OR any Sunday (cron's rule); 0 and 7 are both Sunday
        CronSchedule c = CronSchedule.parse("0 0 1 * 7", UTC);
        assertThat(c.nextAfter(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo("2026-12-06T00:00:00Z");
    }

    @Test
    void timeZone() {
        CronSchedule c = CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Paris"));
        assertThat(c.nextAfter(Instant.parse("2026-12-06T00:00:00Z"))).isEqualTo("2026-12-06T01:00:00Z");
    }

    @Test
    void refusalsNameTheField() {
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * *", UTC)).hasMessageContaining("needs 5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *", UTC))
                .hasMessageContaining("hour").hasMessageContaining("outside 0-23");
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * * MON", UTC))
                .hasMessageContaining("day-of-week").hasMessageContaining("no names");
        assertThatThrownBy(() -> CronSchedule.parse("0 5-2 * * *", UTC)).hasMessageContaining("backwards");
    }
}
