package org.duplex.failover.model;

import java.util.Objects;

import org.duplex.api.model.ResourceId;

/**
 * A placement constraint between this group and another.
 *
 * @param other the other group
 * @param kind  with it, apart from it, or preferably apart
 */
public record Colocation(ResourceId other, Kind kind) {

    public enum Kind {
        /** Runs only on the node where the other group runs (and not at all when the other is stopped). */
        WITH,
        /** Never on the node where the other group runs (mandatory anti-colocation). */
        APART,
        /** Avoids the other group's node when another eligible node exists (spreads groups out). */
        PREFER_APART
    }

    public Colocation {
        Objects.requireNonNull(other, "other group");
        Objects.requireNonNull(kind, "kind");
    }
}
