package org.duplex.heartbeat.frame;

/** Why an incoming frame was dropped. Each one is counted per link and per source. */
public enum RejectReason {
    /** Shorter than the smallest frame, or a field runs past the end. */
    TRUNCATED("truncated"),
    /** Longer than {@link FrameCodec#MAX_FRAME} or than the link's framing allows. */
    OVERSIZED("oversized"),
    /** Not a Duplex heartbeat frame at all (bad magic, bad field, trailing bytes). */
    MALFORMED("malformed"),
    UNKNOWN_VERSION("unknown version"),
    WRONG_CLUSTER("wrong cluster"),
    BAD_HMAC("bad HMAC"),
    /** Authentic, but the sender is not a configured peer of this link. */
    UNKNOWN_SENDER("unknown sender"),
    /** A sequence number not above the last accepted one within the same incarnation and stream. */
    REPLAY("replay/old sequence"),
    /** An incarnation older than one already seen from that sender. */
    OLD_INCARNATION("older incarnation");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
