package org.duplex.api.admin;

import java.time.Instant;

/**
 * One {@code ha:history} entry: a failure, a decision and its reason, an action.
 *
 * @param at       when
 * @param node     the node it happened on
 * @param group    the group, or null
 * @param resource the resource, or null
 * @param kind     failure, action, escalation, refused, decision, cleanup, fence
 * @param text     what happened and why
 */
public record HistoryEntry(Instant at, String node, String group, String resource, String kind, String text) {
}
