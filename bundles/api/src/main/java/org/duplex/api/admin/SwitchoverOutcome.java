package org.duplex.api.admin;

import java.util.List;

/**
 * A completed switchover.
 *
 * @param group        the group moved
 * @param from         where it ran
 * @param to           where it runs now (now first in its node list)
 * @param outageMillis how long it served nowhere
 * @param steps        the stops and starts, in order
 */
public record SwitchoverOutcome(String group, String from, String to, long outageMillis, List<String> steps) {

    public SwitchoverOutcome {
        steps = List.copyOf(steps);
    }
}
