package org.duplex.failover.model;

import java.time.Instant;
import java.util.Objects;

import org.duplex.api.model.NodeId;

/**
 * An operator's preference for where a group runs, set by {@code ha:switchover} and removed by
 * {@code ha:switchover --clear} (Pacemaker's {@code crm_resource --move} / {@code --clear} location constraint).
 * The engine treats {@code node} as if it were first in the group's node list; the list itself (the configured
 * priority) is left as it is. Replicated with the group, so every coordinator honours it.
 *
 * @param node where the operator placed the group; always in the group's node list
 * @param by   who placed it (a user name, or "operator" when unknown)
 * @param at   when
 */
public record Placement(NodeId node, String by, Instant at) {

    public Placement {
        Objects.requireNonNull(node, "node");
        by = by == null || by.isBlank() ? "operator" : by.strip();
        Objects.requireNonNull(at, "at");
    }

    /** "node2 (by admin at 2026-12-07T12:30:00Z)". */
    public String describe() {
        return node + " (by " + by + " at " + at + ")";
    }
}
