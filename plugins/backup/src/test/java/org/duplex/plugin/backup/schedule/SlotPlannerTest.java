package org.duplex.plugin.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The exactly-once rule with a deterministic clock: the repository's slot tags decide, whichever node asks. */
class SlotPlannerTest {

    private final SlotPlanner hourly = new SlotPlanner(CronSchedule.parse("0 * * * *", ZoneId.of("UTC")));
    private static final Duration ON_TIME = Duration.ofMinutes(1);

    @Test
    void runsTheCurrentSlotOnceThenWaitsForTheNext() {
        Set<String> done = new HashSet<>();
        SlotPlanner.Decision d = hourly.decide(Instant.parse("2026-12-06T02:00:10Z"), done, ON_TIME);
        assertThat(d).isEqualTo(new SlotPlanner.Decision.Run(Instant.parse("2026-12-06T02:00:00Z"),
                "20261206T0200Z", false));
        done.add("20261206T0200Z"); // node1 wrote the snapshot
        // node1 asks again, or node2 after a failover within the hour: nothing to run
        assertThat(hourly.decide(Instant.parse("2026-12-06T02:40:00Z"), done, ON_TIME)).isEqualTo(
                new SlotPlanner.Decision.Done(Instant.parse("2026-12-06T02:00:00Z"), "20261206T0200Z",
                        Instant.parse("2026-12-06T03:00:00Z")));
        assertThat(hourly.decide(Instant.parse("2026-12-06T03:00:00Z"), done, ON_TIME))
                .isInstanceOf(SlotPlanner.Decision.Run.class);
    }

    @Test
    void aSlotMissedByLessThanOneIntervalIsCaughtUpOnce() {
        Set<String> done = new HashSet<>(Set.of("20261206T0100Z"));
        // node1 died at 01:59; the group came up on node2 at 02:25: the 02:00 slot runs there, as a catch-up
        SlotPlanner.Decision d = hourly.decide(Instant.parse("2026-12-06T02:25:00Z"), done, ON_TIME);
        assertThat(d).isEqualTo(new SlotPlanner.Decision.Run(Instant.parse("2026-12-06T02:00:00Z"),
                "20261206T0200Z", true));
        done.add("20261206T0200Z");
        assertThat(hourly.decide(Instant.parse("2026-12-06T02:26:00Z"), done, ON_TIME))
                .isInstanceOf(SlotPlanner.Decision.Done.class);
    }

    @Test
    void aSlotMissedByMoreThanOneIntervalIsSupersededNotRun() {
        Set<String> done = new HashSet<>(Set.of("20261206T0100Z"));
        // down from 01:30 to 03:10: 02:00 is not run any more, 03:00 is (once)
        SlotPlanner.Decision d = hourly.decide(Instant.parse("2026-12-06T03:10:00Z"), done, ON_TIME);
        assertThat(d).isEqualTo(new SlotPlanner.Decision.Run(Instant.parse("2026-12-06T03:00:00Z"),
                "20261206T0300Z", true));
    }

    @Test
    void slotIdsAreUtcMinutesWhateverTheZone() {
        SlotPlanner paris = new SlotPlanner(CronSchedule.parse("30 2 * * *", ZoneId.of("Europe/Paris")));
        SlotPlanner.Decision d = paris.decide(Instant.parse("2026-12-06T01:31:00Z"), Set.of(), ON_TIME);
        assertThat(((SlotPlanner.Decision.Run) d).slotId()).isEqualTo("20261206T0130Z");
    }
}
