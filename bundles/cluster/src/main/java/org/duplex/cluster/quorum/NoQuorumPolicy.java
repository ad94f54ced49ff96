package org.duplex.cluster.quorum;

/** What a node does with its resources when its partition loses quorum (like Pacemaker's no-quorum-policy). */
public enum NoQuorumPolicy {
    /** Stop every resource on this node (the safe default). */
    STOP,
    /** Keep running resources but start, move or recover nothing. */
    FREEZE,
    /** Carry on as if quorate. Unsafe: only for single-node tests; logged as a warning. */
    IGNORE;

    public static NoQuorumPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown no-quorum policy '" + text + "': use stop, freeze or ignore");
        }
    }
}
