package org.duplex.plugin.backup.schedule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Which schedule slot a node should run now, given the slots the repository already holds a snapshot for. The
 * repository is the cluster's shared truth: a slot is done when a snapshot tagged with it exists, whichever node
 * wrote it. Only the latest slot at or before now is ever run: a slot missed by less than one interval (the group
 * was moving, the node was down) is caught up once; an older one was superseded by a later slot and is not run.
 * Pure: no clock, no I/O.
 */
public final class SlotPlanner {

    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
            .withZone(ZoneOffset.UTC);

    /** What to do at a moment. */
    public sealed interface Decision {
        /** Run {@code slot} now (no snapshot for it yet). */
        record Run(Instant slot, String slotId, boolean catchUp) implements Decision { }

        /** The current slot has a snapshot already: wait until {@code next}. */
        record Done(Instant slot, String slotId, Instant next) implements Decision { }
    }

    private final CronSchedule schedule;

    public SlotPlanner(CronSchedule schedule) {
        this.schedule = schedule;
    }

    /** The slot id written into the snapshot's tag {@code slot=ID}: the slot's start in UTC, to the minute. */
    public static String slotId(Instant slot) {
        return ID.format(slot);
    }

    /**
     * @param now       the present
     * @param doneSlots slot ids that have a snapshot in the repository
     * @param graceRun  a slot that started less than this before now counts as on time (not a catch-up)
     */
    public Decision decide(Instant now, Set<String> doneSlots, java.time.Duration graceRun) {
        Instant slot = schedule.latestAtOrBefore(now);
        String id = slotId(slot);
        if (doneSlots.contains(id)) {
            return new Decision.Done(slot, id, schedule.nextAfter(now));
        }
        return new Decision.Run(slot, id, now.isAfter(slot.plus(graceRun)));
    }

    public Instant nextAfter(Instant t) {
        return schedule.nextAfter(t);
    }

    public CronSchedule schedule() {
        return schedule;
    }
}
