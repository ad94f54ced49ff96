package org.duplex.api.admin;

import java.util.Objects;

/**
 * An operator's placement of a group ({@code ha:switchover} without {@code --reorder}): the engine treats
 * {@code node} as first in the group's node list, which itself is unchanged, until {@code ha:switchover --clear}.
 *
 * @param node where the operator placed the group
 * @param by   who placed it
 * @param at   when, ISO-8601
 * @since 1.2
 */
public record GroupPlacement(String node, String by, String at) {

    public GroupPlacement {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
    }
}
