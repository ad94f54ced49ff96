package org.duplex.api.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a cluster node, as written in the configuration ("node1", "db-a").
 * Letters, digits, '.', '_' and '-', 1 to 63 characters, starting with a letter or digit.
 */
public record NodeId(String value) implements Comparable<NodeId> {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public NodeId {
        Objects.requireNonNull(value, "node id");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid node id '" + value
                    + "': use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
