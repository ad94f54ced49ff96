package org.duplex.heartbeat.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and authenticates heartbeat frames (format version 1, big-endian):
 *
 * <pre>
 * offset  size  field
 *      0     2  magic 0x44 0x48 ("DH")
 *      2     1  version = 1
 *      3     1  payload type (1 = full status, 2 = compact status)
 *      4     1  cluster name length C (1..63), then C bytes ASCII
 *      .     1  sender node id length S (1..63), then S bytes ASCII
 *      .     1  stream (sender's link name) length L (1..32), then L bytes ASCII
 *      .     8  incarnation
 *      .     8  sequence
 *      .     8  send time, epoch ms
 *      .     2  payload length P (0..1024), then P bytes
 *      .    32  HMAC-SHA256 over every byte before it
 * </pre>
 *
 * {@link #decode} never throws on wire input: it returns a {@link DecodeResult}. Replay checks are stateful and
 * live in {@link ReplayGuard}.
 */
public final class FrameCodec {

    public static final int VERSION = 1;
    public static final int MAX_FRAME = 1400;
    public static final int MAX_PAYLOAD = 1024;
    public static final int HMAC_LENGTH = 32;
    /** magic + version + type + 3 one-byte names + 3 longs + payload length + HMAC. */
    public static final int MIN_FRAME = 2 + 1 + 1 + (1 + 1) * 3 + 24 + 2 + HMAC_LENGTH;
    private static final byte MAGIC0 = 0x44;
    private static final byte MAGIC1 = 0x48;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String cluster;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public FrameCodec(String cluster, byte[] key) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        checkName("cluster name", cluster, 63);
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("cluster key must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public String cluster() {
        return cluster;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static void checkName(String what, String value, int max) {
        if (value.isEmpty() || value.length() > max || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' must be 1-" + max
                    + " letters, digits, '.', '_' or '-'");
        }
    }

    /** The encoded, authenticated frame. Throws only on a programming error (bad field values). */
    public byte[] encode(Frame f) {
        if (!f.cluster().equals(cluster)) {
            throw new IllegalArgumentException("frame for cluster " + f.cluster() + " given to codec of " + cluster);
        }
        checkName("sender", f.sender(), 63);
        checkName("stream", f.stream(), 32);
        byte[] payload = f.payload();
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        byte[] c = f.cluster().getBytes(StandardCharsets.US_ASCII);
        byte[] s = f.sender().getBytes(StandardCharsets.US_ASCII);
        byte[] l = f.stream().getBytes(StandardCharsets.US_ASCII);
        int len = 4 + 1 + c.length + 1 + s.length + 1 + l.length + 24 + 2 + payload.length + HMAC_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.put(MAGIC0).put(MAGIC1).put((byte) VERSION).put((byte) f.payloadType().code);
        b.put((byte) c.length).put(c).put((byte) s.length).put(s).put((byte) l.length).put(l);
        b.putLong(f.incarnation()).putLong(f.sequence()).putLong(f.sendTimeMillis());
        b.putShort((short) payload.length).put(payload);
        Mac mac = macs.get();
        mac.update(b.array(), 0, b.position());
        b.put(mac.doFinal());
        return b.array();
    }

    public DecodeResult decode(byte[] data) {
        return data == null ? DecodeResult.reject(RejectReason.TRUNCATED, "no data") : decode(data, 0, data.length);
    }

    /** Decodes and authenticates {@code len} bytes at {@code off}. Never throws for any content. */
    public DecodeResult decode(byte[] data, int off, int len) {
        try {
            return decodeChecked(data, off, len);
        } catch (RuntimeException e) {
            // Defence in depth: every bound is checked below, so this means a bug, not hostile input.
            return DecodeResult.reject(RejectReason.MALFORMED, "decoder error " + e.getClass().getSimpleName());
        }
    }

    private DecodeResult decodeChecked(byte[] data, int off, int len) {
        if (data == null || off < 0 || len < 0 || off > data.length - len) {
            return DecodeResult.reject(RejectReason.TRUNCATED, "bad buffer bounds");
        }
        if (len > MAX_FRAME) {
            return DecodeResult.reject(RejectReason.OVERSIZED, len + " bytes > " + MAX_FRAME);
        }
        if (len >= 2 && (data[off] != MAGIC0 || data[off + 1] != MAGIC1)) {
            return DecodeResult.reject(RejectReason.MALFORMED, "bad magic");
        }
        if (len >= 3 && (data[off + 2] & 0xff) != VERSION) {
            return DecodeResult.reject(RejectReason.UNKNOWN_VERSION, "version " + (data[off + 2] & 0xff));
        }
        if (len < MIN_FRAME) {
            return DecodeResult.reject(RejectReason.TRUNCATED, len + " bytes < " + MIN_FRAME);
        }
        int end = off + len - HMAC_LENGTH; // first byte of the HMAC
        Reader r = new Reader(data, off + 3, end);
        Frame.PayloadType type = Frame.PayloadType.of(r.u8());
        if (type == null) {
            return DecodeResult.reject(RejectReason.MALFORMED, "unknown payload type");
        }
        String c = r.name(63);
        String s = r.name(63);
        String l = r.name(32);
        if (r.truncated) {
            return DecodeResult.reject(RejectReason.TRUNCATED, "header runs past the end");
        }
        if (c == null || s == null || l == null) {
            return DecodeResult.reject(RejectReason.MALFORMED, "invalid name field");
        }
        long incarnation = r.i64();
        long sequence = r.i64();
        long sendTime = r.i64();
        int plen = r.u16();
        if (r.truncated) {
            return DecodeResult.reject(RejectReason.TRUNCATED, "header runs past the end");
        }
        if (plen > MAX_PAYLOAD) {
            return DecodeResult.reject(RejectReason.OVERSIZED, "payload " + plen + " bytes");
        }
        if (r.pos + plen > end) {
            return DecodeResult.reject(RejectReason.TRUNCATED, "payload runs past the end");
        }
        if (r.pos + plen < end) {
            return DecodeResult.reject(RejectReason.MALFORMED, (end - r.pos - plen) + " stray bytes");
        }
        if (!c.equals(cluster)) {
            return DecodeResult.reject(RejectReason.WRONG_CLUSTER, "cluster '" + c + "' from '" + s + "'");
        }
        Mac mac = macs.get();
        mac.update(data, off, end - off);
        byte[] expected = mac.doFinal();
        byte[] actual = new byte[HMAC_LENGTH];
        System.arraycopy(data, end, actual, 0, HMAC_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            return DecodeResult.reject(RejectReason.BAD_HMAC, "claimed sender '" + s + "'");
        }
        byte[] payload = new byte[plen];
        System.arraycopy(data, r.pos, payload, 0, plen);
        return new DecodeResult.Accepted(new Frame(c, s, l, incarnation, sequence, sendTime, type, payload));
    }

    /** Same rule as {@link #NAME}, without a regex: this runs for three fields of every received frame. */
    static boolean validName(byte[] d, int off, int n) {
        for (int i = 0; i < n; i++) {
            int c = d[off + i];
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '.' && c != '_' && c != '-')) {
                return false;
            }
        }
        return n > 0;
    }

    /** Bounds-checked reader: past the end it sets {@code truncated} and returns zeros. */
    private static final class Reader {
        final byte[] data;
        final int limit;
        int pos;
        boolean truncated;

        Reader(byte[] data, int pos, int limit) {
            this.data = data;
            this.pos = pos;
            this.limit = limit;
        }

        int u8() {
            if (pos + 1 > limit) {
                truncated = true;
                return 0;
            }
            return data[pos++] & 0xff;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long i64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        /** An ASCII name, or null when invalid (truncation is flagged separately). */
        String name(int max) {
            int n = u8();
            if (truncated || pos + n > limit) {
                truncated = true;
                return null;
            }
            if (n == 0 || n > max) {
                pos += n;
                return null;
            }
            int start = pos;
            pos += n;
            return validName(data, start, n) ? new String(data, start, n, StandardCharsets.US_ASCII) : null;
        }
    }
}
