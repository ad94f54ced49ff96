package org.duplex.mirror.replication;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;

/**
 * The first frame each side sends: identity and state of its leg.
 *
 * @param role      0 secondary, 1 primary
 * @param diskUpToDate the leg's data is consistent
 * @param nonce     random per connection; both nonces key the session's frame MACs (no cross-session replay)
 */
public record Hello(String volume, long size, int granularity, LegInfo leg, boolean diskUpToDate, byte[] nonce) {

    public static final int NONCE_BYTES = 16;

    public byte[] encode() {
        byte[] name = volume.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + name.length + 8 + 4 + 8 * 4 + 1 + 1 + 1 + 8 + 8 + 8 + 8 + 1 + 1 + 1
                + NONCE_BYTES);
        b.putShort((short) name.length).put(name).putLong(size).putInt(granularity);
        GenerationIds g = leg.gi();
        b.putLong(g.current()).putLong(g.bitmap()).putLong(g.history1()).putLong(g.history2());
        b.put((byte) (leg.primary() ? 1 : 0)).put((byte) (leg.crashedPrimary() ? 1 : 0))
                .put((byte) (diskUpToDate ? 1 : 0));
        b.putLong(leg.dirtyRegions()).putLong(leg.promotedEpoch()).putLong(leg.promotedAtMillis())
                .putLong(leg.token());
        b.put((byte) (leg.discardMyData() ? 1 : 0)).put((byte) leg.policy().ordinal()).put((byte) 0);
        b.put(nonce);
        return b.array();
    }

    /** Empty when the payload is malformed; never throws. */
    public static Optional<Hello> decode(byte[] payload) {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int nameLen = Short.toUnsignedInt(b.getShort());
            if (nameLen > 1024 || nameLen > b.remaining()) {
                return Optional.empty();
            }
            byte[] name = new byte[nameLen];
            b.get(name);
            long size = b.getLong();
            int granularity = b.getInt();
            GenerationIds g = new GenerationIds(b.getLong(), b.getLong(), b.getLong(), b.getLong());
            boolean primary = flag(b.get());
            boolean crashed = flag(b.get());
            boolean upToDate = flag(b.get());
            long dirty = b.getLong();
            long promotedEpoch = b.getLong();
            long promotedAt = b.getLong();
            long token = b.getLong();
            boolean discard = flag(b.get());
            int policy = Byte.toUnsignedInt(b.get());
            b.get();
            if (policy >= SplitBrainPolicy.values().length || size <= 0 || granularity <= 0 || dirty < 0) {
                return Optional.empty();
            }
            byte[] nonce = new byte[NONCE_BYTES];
            b.get(nonce);
            if (b.hasRemaining()) {
                return Optional.empty();
            }
            LegInfo leg = new LegInfo(g, primary, crashed, dirty, promotedEpoch, promotedAt, token, discard,
                    SplitBrainPolicy.values()[policy]);
            return Optional.of(new Hello(new String(name, StandardCharsets.UTF_8), size, granularity, leg, upToDate,
                    nonce));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean flag(byte b) {
        return b != 0;
    }
}
