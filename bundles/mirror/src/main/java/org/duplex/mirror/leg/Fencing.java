package org.duplex.mirror.leg;

import java.util.Locale;

/**
 * What a primary does when it loses the replication link while its peer was up to date (DRBD's {@code fencing}).
 */
public enum Fencing {
    /** Keep acknowledging writes (tracked in the bitmap); the peer may be promoted later with stale data. */
    DONT_CARE,
    /**
     * Suspend write acknowledgements until the peer has persisted the Outdated mark (through a {@code PeerFencer})
     * or the link is back. A peer unreachable on the fencing path too is outside this node's quorate partition:
     * writes resume (loudly), and a later promotion of that peer is possible only if this primary dies first.
     */
    RESOURCE_ONLY,
    /**
     * As RESOURCE_ONLY, but an unreachable peer never resumes writes: they stay suspended until the peer is
     * outdated, the link is back, or the operator (after powering the peer off) runs
     * ha:mirror-resume-io --force NAME.
     */
    RESOURCE_AND_STONITH;

    /** Parses {@code dont-care | resource-only | resource-and-stonith}. */
    public static Fencing parse(String s) {
        for (Fencing f : values()) {
            if (f.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("fencing: '" + s + "' is not one of dont-care, resource-only, "
                + "resource-and-stonith");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
