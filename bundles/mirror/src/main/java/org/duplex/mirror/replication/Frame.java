package org.duplex.mirror.replication;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One replication frame. Wire format (big endian): magic u32 "DPMR", version u8, type u8, flags u16, seq u64,
 * payload length u32, payload, then a 32-byte HMAC-SHA256 of everything before it when a key is set.
 *
 * @param seq  strictly increasing per direction and connection (replays and reordering are rejected)
 * @param body the payload (position to limit). A large payload read by a {@link FrameReader} with direct payloads
 *             is a view of the reader's pooled buffer: valid only until that reader's next {@code read()}.
 */
public record Frame(int type, int flags, long seq, ByteBuffer body) {
    public static final int MAGIC = 0x44504d52;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 20;
    public static final int MAC_BYTES = 32;

    public Frame {
        Objects.requireNonNull(body, "body");
    }

    public Frame(int type, int flags, long seq, byte[] payload) {
        this(type, flags, seq, ByteBuffer.wrap(Objects.requireNonNull(payload, "payload")));
    }

    /** The payload as an array: the frame's own array when it has one, else a copy. */
    public byte[] payload() {
        if (body.hasArray() && body.arrayOffset() == 0 && body.position() == 0
                && body.remaining() == body.array().length) {
            return body.array();
        }
        byte[] a = new byte[body.remaining()];
        body.duplicate().get(a);
        return a;
    }

    public int length() {
        return body.remaining();
    }
}
