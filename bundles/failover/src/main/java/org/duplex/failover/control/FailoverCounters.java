package org.duplex.failover.control;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the controller counts for the metrics since the failover component started: actions carried out (by
 * operation, intent and outcome), failovers (a group started on another node by the engine: move, recover or
 * failback) with the time from the start of the decision round to the group's last confirmed start, and operator
 * switchovers with their outage (first stop to last confirmed start). Only the node that acts counts: the
 * coordinator (and a node without quorum for its own stops). Thread-safe.
 */
public final class FailoverCounters {

    /** Count and total seconds of a kind of duration. */
    public record Durations(long count, double seconds) {
        Durations plus(Duration d) {
            return new Durations(count + 1, seconds + d.toNanos() / 1e9);
        }
    }

    /** One (op, intent, ok) cell of the action counter. */
    public record ActionKey(String op, String intent, boolean ok) implements Comparable<ActionKey> {
        @Override
        public int compareTo(ActionKey o) {
            return toString().compareTo(o.toString());
        }
    }

    /** One (group, intent) cell of the failover counter. */
    public record MoveKey(String group, String intent) implements Comparable<MoveKey> {
        @Override
        public int compareTo(MoveKey o) {
            return toString().compareTo(o.toString());
        }
    }

    private final Map<ActionKey, Long> actions = new TreeMap<>();
    private final Map<MoveKey, Durations> failovers = new TreeMap<>();
    private final Map<String, Durations> switchovers = new TreeMap<>();
    private final Map<String, Long> failedSwitchovers = new TreeMap<>();

    public synchronized void action(String op, String intent, boolean ok) {
        actions.merge(new ActionKey(op, intent, ok), 1L, Long::sum);
    }

    public synchronized void failover(String group, String intent, Duration tookFromRoundStart) {
        failovers.merge(new MoveKey(group, intent), new Durations(0, 0).plus(tookFromRoundStart),
                (a, b) -> a.plus(tookFromRoundStart));
    }

    public synchronized void switchover(String group, Duration outage) {
        switchovers.merge(group, new Durations(0, 0).plus(outage), (a, b) -> a.plus(outage));
    }

    public synchronized void switchoverFailed(String group) {
        failedSwitchovers.merge(group, 1L, Long::sum);
    }

    public synchronized Map<ActionKey, Long> actions() {
        return Map.copyOf(actions);
    }

    public synchronized Map<MoveKey, Durations> failovers() {
        return Map.copyOf(failovers);
    }

    public synchronized Map<String, Durations> switchovers() {
        return Map.copyOf(switchovers);
    }

    public synchronized Map<String, Long> failedSwitchovers() {
        return Map.copyOf(failedSwitchovers);
    }

    /** The intents that count as a failover (the group started on another node than before). */
    public static final List<String> FAILOVER_INTENTS = List.of("move", "recover", "failback");
}
