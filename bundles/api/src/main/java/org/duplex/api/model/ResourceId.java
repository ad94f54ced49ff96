package org.duplex.api.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a resource or resource group, as written in the configuration ("web-vip", "pg").
 * Letters, digits, '.', '_' and '-', 1 to 63 characters, starting with a letter or digit.
 */
public record ResourceId(String value) implements Comparable<ResourceId> {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public ResourceId {
        Objects.requireNonNull(value, "resource id");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid resource id '" + value
                    + "': use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static ResourceId of(String value) {
        return new ResourceId(value);
    }

    @Override
    public int compareTo(ResourceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
