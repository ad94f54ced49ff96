package org.duplex.heartbeat.link;

import org.duplex.heartbeat.frame.RejectReason;

/** Where a link delivers what it receives. Thread-safe. */
public interface LinkContext {

    /** Bytes that look like one frame; the node decodes, authenticates and counts them. */
    void received(byte[] data, int offset, int length, String source);

    /** Bytes that must be a frame of {@code expectedSender} (a disk slot belongs to one node). */
    default void received(byte[] data, int offset, int length, String source, String expectedSender) {
        received(data, offset, length, source);
    }

    /** The link's own framing dropped bytes (oversized length prefix, garbage between frames). */
    void rejected(RejectReason reason, String source, String detail);
}
