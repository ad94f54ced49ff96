package org.duplex.mirror.gi;

/** How a detected split brain is settled automatically, if at all. */
public enum SplitBrainPolicy {
    /** Stay disconnected and alert; an operator resolves it (default, never loses data silently). */
    DISCONNECT,
    /** The side promoted most recently loses its changes. */
    DISCARD_YOUNGER_PRIMARY,
    /** The side with fewer changed regions loses its changes. */
    DISCARD_LEAST_CHANGES,
    /** Resolve only when one side changed nothing; otherwise disconnect. */
    DISCARD_ZERO_CHANGES;

    public static SplitBrainPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
