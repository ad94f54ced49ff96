package org.duplex.api.plugin;

import java.util.Objects;

/**
 * One plug-in's state on one node.
 *
 * @param name   the feature name
 * @param status where it is
 * @param detail why (a failure's reason, "installed by hand", ...); empty when there is nothing to say
 */
public record PluginState(String name, Status status, String detail) {

    public enum Status {
        /** The feature is installed and its bundles were started. */
        INSTALLED,
        /** Not installed (removed, or never was). */
        ABSENT,
        /** Installing or removing it failed; {@code detail} says why. Retried at the next change of the set. */
        FAILED
    }

    public PluginState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }
}
