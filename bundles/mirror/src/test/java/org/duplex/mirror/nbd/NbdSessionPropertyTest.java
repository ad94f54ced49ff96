package org.duplex.mirror.nbd;

import org.duplex.mirror.block.BlockDevice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The transmission-phase parser against a model: every request gets exactly the reply the spec asks for, writes
 * happen exactly for valid WRITE requests at their offset, and arbitrary bytes never escape as an exception.
 */
class NbdSessionPropertyTest {
    static final long SIZE = 1 << 20;
    static final BlockSizeLimits LIMITS = new BlockSizeLimits(512, 4096, 64 * 1024);
    static final NbdServerConfig CONFIG = new NbdServerConfig("127.0.0.1", 0, 1, 1, 1 << 20,
            Duration.ofSeconds(5), LIMITS);

    /** Records writes; fails the test on any access outside the device. */
    static final class RecordingDevice implements BlockDevice {
        final List<long[]> writes = new ArrayList<>();
        final boolean readOnly;

        RecordingDevice(boolean readOnly) {
            this.readOnly = readOnly;
        }

        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public boolean readOnly() {
            return readOnly;
        }

        void check(long off, long len) {
            if (off < 0 || len < 0 || off + len > SIZE) {
                throw new AssertionError("device access outside the export: " + off + "+" + len);
            }
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            check(offset, dst.remaining());
            dst.position(dst.limit());
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua) {
            check(offset, src.remaining());
            writes.add(new long[] {offset, src.remaining(), src.get(src.position())});
        }

        @Override
        public void flush() {
        }

        @Override
        public void trim(long offset, long length, boolean fua) {
            check(offset, length);
        }

        @Override
        public void writeZeroes(long offset, long length, boolean fua) {
            check(offset, length);
        }
    }

    record Req(int flags, int type, long offset, long length) {
    }

    static byte[] handshake(String export) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        o.writeInt(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES);
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        o.writeLong(Nbd.IHAVEOPT);
        o.writeInt(Nbd.OPT_GO);
        o.writeInt(4 + name.length + 2);
        o.writeInt(name.length);
        o.write(name);
        o.writeShort(0);
        return b.toByteArray();
    }

    static byte[] run(BlockDevice dev, byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NbdSession s = new NbdSession(n -> Optional.of(new NbdServer.Export("e", "", dev)),
                () -> List.of(new NbdServer.Export("e", "", dev)), Runnable::run, CONFIG,
                new ByteArrayInputStream(input), out, "test");
        s.run();
        return out.toByteArray();
    }

    /** Skips the handshake in the server's output; returns the stream positioned at the first simple reply. */
    static DataInputStream afterHandshake(byte[] output) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(output));
        in.skipNBytes(18);
        while (true) {
            in.readLong();
            in.readInt();
            int type = in.readInt();
            int len = in.readInt();
            in.skipNBytes(len);
            if (type == Nbd.REP_ACK) {
                return in;
            }
        }
    }

    @Provide
    Arbitrary<Req> requests() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Nbd.CMD_WRITE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Nbd.CMD_READ)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Nbd.CMD_FLUSH)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Nbd.CMD_TRIM)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Nbd.CMD_WRITE_ZEROES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535)));
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Nbd.CMD_FLAG_FUA)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535)));
        Arbitrary<Long> offset = Arbitraries.oneOf(Arbitraries.longs().between(0, SIZE / 512).map(x -> x * 512),
                Arbitraries.longs().between(0, SIZE + 8192), Arbitraries.longs());
        Arbitrary<Long> length = Arbitraries.oneOf(Arbitraries.longs().between(1, 128).map(x -> x * 512),
                Arbitraries.longs().between(0, 200_000), Arbitraries.longs().between(0, 0xFFFFFFFFL));
        return Combinators.combine(flags, type, offset, length).as(Req::new);
    }

    @Property(tries = 300)
    void everyRequestGetsTheSpecifiedReplyAndWritesLandOnlyWhereAsked(
            @ForAll @Size(max = 12) List<@net.jqwik.api.From("requests") Req> reqs, @ForAll boolean readOnly)
            throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(handshake("e"));
        DataOutputStream o = new DataOutputStream(in);
        List<Integer> expectedErr = new ArrayList<>();
        List<long[]> expectedWrites = new ArrayList<>();
        long handle = 0;
        for (Req r : reqs) {
            boolean isWrite = r.type() == Nbd.CMD_WRITE;
            if (isWrite && r.length() > RequestValidator.DRAIN_LIMIT) {
                break;
            }
            if (r.type() == Nbd.CMD_DISC) {
                continue;
            }
            o.writeInt(Nbd.REQUEST_MAGIC);
            o.writeShort(r.flags());
            o.writeShort(r.type());
            o.writeLong(++handle);
            o.writeLong(r.offset());
            o.writeInt((int) r.length());
            byte marker = (byte) handle;
            if (isWrite) {
                byte[] payload = new byte[(int) r.length()];
                java.util.Arrays.fill(payload, marker);
                o.write(payload);
            }
            int err = model(r, readOnly);
            expectedErr.add(err);
            if (err == 0 && isWrite) {
                expectedWrites.add(new long[] {r.offset(), r.length(), marker});
            }
        }
        RecordingDevice dev = new RecordingDevice(readOnly);
        byte[] out = run(dev, in.toByteArray());
        assertThat(dev.writes).usingElementComparator((a, b) -> java.util.Arrays.equals(a, b) ? 0 : 1)
                .containsExactlyElementsOf(expectedWrites);
        DataInputStream replies = afterHandshake(out);
        long h = 0;
        for (Req r : reqs) {
            if (r.type() == Nbd.CMD_DISC) {
                continue;
            }
            if (r.type() == Nbd.CMD_WRITE && r.length() > RequestValidator.DRAIN_LIMIT) {
                break;
            }
            int err = expectedErr.get((int) h);
            assertThat(replies.readInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
            assertThat(replies.readInt()).as("errno for %s", r).isEqualTo(err);
            assertThat(replies.readLong()).isEqualTo(++h);
            if (r.type() == Nbd.CMD_READ && err == 0) {
                replies.skipNBytes(r.length());
            }
        }
        assertThat(replies.available()).isZero();
    }

    /** The spec's answer, written independently of RequestValidator. */
    static int model(Req r, boolean readOnly) {
        long off = r.offset();
        long len = r.length();
        boolean inRange = off >= 0 && off + len <= SIZE && off + len >= off;
        switch (r.type()) {
            case Nbd.CMD_READ:
                if (r.flags() != 0 || len == 0 || len > LIMITS.maxPayload()) {
                    return Nbd.EINVAL;
                }
                return inRange ? 0 : Nbd.EINVAL;
            case Nbd.CMD_WRITE:
                if ((r.flags() & ~Nbd.CMD_FLAG_FUA) != 0 || len == 0 || len > LIMITS.maxPayload()) {
                    return Nbd.EINVAL;
                }
                if (readOnly) {
                    return Nbd.EPERM;
                }
                return inRange ? 0 : Nbd.ENOSPC;
            case Nbd.CMD_FLUSH:
                return r.flags() == 0 && off == 0 && len == 0 ? 0 : Nbd.EINVAL;
            case Nbd.CMD_TRIM:
            case Nbd.CMD_WRITE_ZEROES: {
                int allowed = Nbd.CMD_FLAG_FUA | (r.type() == Nbd.CMD_WRITE_ZEROES ? Nbd.CMD_FLAG_NO_HOLE : 0);
                if ((r.flags() & ~allowed) != 0 || len == 0) {
                    return Nbd.EINVAL;
                }
                if (readOnly) {
                    return Nbd.EPERM;
                }
                if (!inRange) {
                    return r.type() == Nbd.CMD_TRIM ? Nbd.EINVAL : Nbd.ENOSPC;
                }
                return 0;
            }
            default:
                return Nbd.EINVAL;
        }
    }

    @Property(tries = 500)
    void arbitraryBytesNeverCrashTheSessionNorTouchOutsideTheDevice(@ForAll @Size(max = 600) byte[] garbage,
                                                                    @ForAll boolean afterHandshake) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        if (afterHandshake) {
            in.write(handshake("e"));
        }
        in.write(garbage);
        RecordingDevice dev = new RecordingDevice(false);
        run(dev, in.toByteArray());
        // RecordingDevice throws AssertionError (not caught by the session) on any out-of-range access
        for (long[] w : dev.writes) {
            assertThat(w[0] + w[1]).isLessThanOrEqualTo(SIZE);
        }
    }

    @Property(tries = 200)
    void requestsWithValidMagicButRandomFieldsAreAnsweredNotFatal(@ForAll int flags, @ForAll short type,
                                                                  @ForAll long offset, @ForAll int length)
            throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(handshake("e"));
        DataOutputStream o = new DataOutputStream(in);
        o.writeInt(Nbd.REQUEST_MAGIC);
        o.writeShort(flags);
        o.writeShort(type == Nbd.CMD_WRITE || type == Nbd.CMD_DISC ? Nbd.CMD_READ : type);
        o.writeLong(42);
        o.writeLong(offset);
        o.writeInt(length);
        RecordingDevice dev = new RecordingDevice(false);
        DataInputStream replies = afterHandshake(run(dev, in.toByteArray()));
        assertThat(replies.readInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
        replies.readInt();
        assertThat(replies.readLong()).isEqualTo(42);
        assertThat(dev.writes).isEmpty();
    }

    @Property(tries = 100)
    void optionHagglingSurvivesArbitraryOptions(@ForAll int option, @ForAll @Size(max = 64) byte[] data)
            throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(in);
        o.writeInt(Nbd.FLAG_C_FIXED_NEWSTYLE);
        o.writeLong(Nbd.IHAVEOPT);
        o.writeInt(option);
        o.writeInt(data.length);
        o.write(data);
        o.writeLong(Nbd.IHAVEOPT);
        o.writeInt(Nbd.OPT_ABORT);
        o.writeInt(0);
        byte[] out = run(new RecordingDevice(false), in.toByteArray());
        assertThat(out.length).isGreaterThanOrEqualTo(18);
    }

    static Map<String, Object> unused() {
        return Map.of();
    }
}
