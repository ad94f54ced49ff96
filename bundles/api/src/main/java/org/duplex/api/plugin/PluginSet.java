package org.duplex.api.plugin;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plug-in features the cluster wants installed on every node, as of one version of the replicated cluster
 * configuration.
 *
 * @param version the cluster configuration version this set was read from (0 before any configuration)
 * @param names   feature names, each starting with {@value #PREFIX}; sorted
 */
public record PluginSet(long version, Set<String> names) {

    /** Every plug-in feature's name starts with this; nothing else is ever installed or removed as a plug-in. */
    public static final String PREFIX = "duplex-plugin-";

    public static final PluginSet EMPTY = new PluginSet(0, Set.of());

    public PluginSet {
        names = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(names, "names")));
    }

    /** True for a name a plug-in feature may have: the prefix, then a non-empty lower-case word with digits/dashes. */
    public static boolean isPluginName(String name) {
        return name != null && name.length() > PREFIX.length() && name.startsWith(PREFIX)
                && name.substring(PREFIX.length()).matches("[a-z0-9][a-z0-9.-]*");
    }
}
