package org.duplex.mirror.replication;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;

/**
 * The first frame each side sends: identity and state of its leg.
 *
 * <p>The leg's disk state travels twice: as the "up to date" flag every version sends, and in the byte after the
 * split-brain policy, which older versions send as 0 and ignore ({@link #diskCode}; 0 = not sent, the state is then
 * taken from the flag: UP_TO_DATE or INCONSISTENT).
 *
 * <p>After the nonce: the sender's mirror protocol level (u8), then whatever a newer build adds, which this one reads
 * past. A Hello ending at the nonce comes from a build before levels (level 0). Both sides use the lower of the two
 * levels, so what a newer build adds stays off until both legs run it (as the cluster's protocol levels).
 *
 * @param nonce     random per connection; both nonces key the session's frame MACs (no cross-session replay)
 * @param level     the sender's mirror protocol level ({@link #LEVEL} for this build)
 */
public record Hello(String volume, long size, int granularity, LegInfo leg, byte[] nonce, int level) {

    public static final int NONCE_BYTES = 16;
    /** This build's mirror protocol level: raise it with anything a peer must know the other side understands. */
    public static final int LEVEL = 1;

    public Hello(String volume, long size, int granularity, LegInfo leg, byte[] nonce) {
        this(volume, size, granularity, leg, nonce, LEVEL);
    }

    public byte[] encode() {
        byte[] name = volume.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + name.length + 8 + 4 + 8 * 4 + 1 + 1 + 1 + 8 + 8 + 8 + 8 + 1 + 1 + 1
                + NONCE_BYTES + 1);
        b.putShort((short) name.length).put(name).putLong(size).putInt(granularity);
        GenerationIds g = leg.gi();
        b.putLong(g.current()).putLong(g.bitmap()).putLong(g.history1()).putLong(g.history2());
        b.put((byte) (leg.primary() ? 1 : 0)).put((byte) (leg.crashedPrimary() ? 1 : 0))
                .put((byte) (leg.upToDate() ? 1 : 0));
        b.putLong(leg.dirtyRegions()).putLong(leg.promotedEpoch()).putLong(leg.promotedAtMillis())
                .putLong(leg.token());
        b.put((byte) (leg.discardMyData() ? 1 : 0)).put((byte) leg.policy().ordinal()).put(diskCode(leg.disk()));
        b.put(nonce);
        b.put((byte) level);
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
            Optional<DiskState> disk = disk(b.get(), upToDate);
            if (policy >= SplitBrainPolicy.values().length || size <= 0 || granularity <= 0 || dirty < 0
                    || disk.isEmpty()) {
                return Optional.empty();
            }
            byte[] nonce = new byte[NONCE_BYTES];
            b.get(nonce);
            int level = b.hasRemaining() ? Byte.toUnsignedInt(b.get()) : 0;
            if (b.hasRemaining() && level <= LEVEL) {
                return Optional.empty(); // only a newer build may add fields this one does not know
            }
            LegInfo leg = new LegInfo(g, disk.get(), primary, crashed, dirty, promotedEpoch, promotedAt, token, discard,
                    SplitBrainPolicy.values()[policy]);
            return Optional.of(new Hello(new String(name, StandardCharsets.UTF_8), size, granularity, leg, nonce,
                    level));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The disk state's code on the wire (never 0, which means "not sent"). */
    static byte diskCode(DiskState d) {
        switch (d) {
            case UP_TO_DATE: return 1;
            case INCONSISTENT: return 2;
            case OUTDATED: return 3;
            default: return 4;
        }
    }

    /** Empty for an unknown code; 0 (an older peer) falls back to the up-to-date flag. */
    private static Optional<DiskState> disk(byte code, boolean upToDateFlag) {
        switch (code) {
            case 0: return Optional.of(upToDateFlag ? DiskState.UP_TO_DATE : DiskState.INCONSISTENT);
            case 1: return upToDateFlag ? Optional.of(DiskState.UP_TO_DATE) : Optional.empty();
            case 2: return upToDateFlag ? Optional.empty() : Optional.of(DiskState.INCONSISTENT);
            case 3: return upToDateFlag ? Optional.empty() : Optional.of(DiskState.OUTDATED);
            case 4: return upToDateFlag ? Optional.empty() : Optional.of(DiskState.UNKNOWN);
            default: return Optional.empty();
        }
    }

    private static boolean flag(byte b) {
        return b != 0;
    }
}
