package org.duplex.mirror.replication;

import java.util.Objects;

/**
 * One replication frame. Wire format (big endian): magic u32 "DPMR", version u8, type u8, flags u16, seq u64,
 * payload length u32, payload, then a 32-byte HMAC-SHA256 of everything before it when a key is set.
 *
 * @param seq strictly increasing per direction and connection (replays and reordering are rejected)
 */
public record Frame(int type, int flags, long seq, byte[] payload) {
    public static final int MAGIC = 0x44504d52;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 20;
    public static final int MAC_BYTES = 32;

    public Frame {
        Objects.requireNonNull(payload, "payload");
    }
}
