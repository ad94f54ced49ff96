package org.duplex.failover.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the engine treats one resource group.
 *
 * @param stickiness         points added to the node the group runs on; each step down the node priority list
 *                           costs 100 points, so a stickiness of 100 resists a move to the next better node
 * @param failback           whether the group returns to a more preferred node on its own
 * @param migrationThreshold failures of a member on a node (within the failure timeout) after which the group is
 *                           banned from that node; 0 means never banned (restart there forever)
 * @param failureTimeout     how long a failure counts; zero means until {@code ha:cleanup} (on-fail=stop and
 *                           on-fail=block keep their failure until then whatever this says)
 * @param onFail             what a failure triggers
 * @param colocations        constraints with other groups
 * @param priority           higher priority groups are placed first when nodes are scarce
 * @param managed            false: Duplex starts, stops and moves nothing of this group (unmanaged mode)
 */
public record GroupPolicy(int stickiness, Failback failback, int migrationThreshold, Duration failureTimeout,
                          OnFail onFail, List<Colocation> colocations, int priority, boolean managed) {

    /** Pacemaker-like defaults: no stickiness, automatic failback, banned after 3 failures kept 10 minutes. */
    public static final GroupPolicy DEFAULT = new GroupPolicy(0, Failback.AUTOMATIC, 3, Duration.ofMinutes(10),
            OnFail.RESTART, List.of(), 0, true);

    public GroupPolicy {
        if (stickiness < 0) {
            throw new IllegalArgumentException("stickiness must not be negative, was " + stickiness);
        }
        Objects.requireNonNull(failback, "failback");
        if (migrationThreshold < 0) {
            throw new IllegalArgumentException("migration threshold must not be negative, was " + migrationThreshold);
        }
        Objects.requireNonNull(failureTimeout, "failure timeout");
        if (failureTimeout.isNegative()) {
            throw new IllegalArgumentException("failure timeout must not be negative, was " + failureTimeout);
        }
        Objects.requireNonNull(onFail, "on-fail");
        colocations = List.copyOf(Objects.requireNonNull(colocations, "colocations"));
    }

    public GroupPolicy withManaged(boolean newManaged) {
        return new GroupPolicy(stickiness, failback, migrationThreshold, failureTimeout, onFail, colocations,
                priority, newManaged);
    }
}
