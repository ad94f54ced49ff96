package org.duplex.api.admin;

import java.util.List;

/**
 * A completed switchover.
 *
 * @param group        the group moved
 * @param from         where it ran
 * @param to           where it runs now
 * @param outageMillis how long it served nowhere
 * @param steps        the stops and starts, in order
 * @param reordered    true when the node list was rewritten with {@code to} first ({@code reorder}); false when an
 *                     operator placement on {@code to} keeps it there and the node list is unchanged (since 1.2)
 * @param placement    what keeps the group on {@code to} and how to undo it, in words (since 1.2)
 */
public record SwitchoverOutcome(String group, String from, String to, long outageMillis, List<String> steps,
                                boolean reordered, String placement) {

    public SwitchoverOutcome {
        steps = List.copyOf(steps);
        placement = placement == null ? "" : placement;
    }

    /** The 1.1 shape: a reorder, described by nothing. */
    public SwitchoverOutcome(String group, String from, String to, long outageMillis, List<String> steps) {
        this(group, from, to, outageMillis, steps, true, "");
    }
}
