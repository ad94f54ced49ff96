package org.duplex.mirror.replication;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads and checks frames. {@link #read()} never throws: every problem, including I/O, is a {@link Bad} result
 * after which the caller closes the connection. Nothing is allocated from an unchecked length.
 */
public final class FrameReader {

    /** What {@link #read()} returns. */
    public sealed interface Result permits Ok, Bad {
    }

    public record Ok(Frame frame) implements Result {
    }

    public record Bad(String reason) implements Result {
    }

    private final DataInputStream in;
    private final SocketInput socketIn;
    private final int maxPayload;
    private Mac mac;
    private long lastSeq;
    private int directThreshold = Integer.MAX_VALUE;
    private ByteBuffer pooled;
    private final byte[] header = new byte[Frame.HEADER_BYTES];

    public FrameReader(InputStream in, int maxPayload) {
        this.in = in instanceof DataInputStream d ? d : new DataInputStream(in);
        this.socketIn = in instanceof SocketInput si && si.direct() ? si : null;
        this.maxPayload = maxPayload;
    }

    /**
     * Payloads of at least {@code threshold} bytes are read from the socket's channel into one reused direct
     * buffer (no allocation, no copy through the heap); such a frame's body is valid only until the next
     * {@link #read()}. Only when this reader was built on a {@link SocketInput} with a channel.
     */
    public FrameReader directPayloads(int threshold) {
        this.directThreshold = threshold;
        return this;
    }

    /** From now on every frame must carry a valid HMAC-SHA256 under this key; null turns checking off. */
    public void setKey(byte[] key) {
        this.mac = key == null ? null : newMac(key);
    }

    static Mac newMac(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public Result read() {
        try {
            in.readFully(header);
            return decode(header);
        } catch (EOFException e) {
            return new Bad("peer closed the connection");
        } catch (IOException e) {
            return new Bad("read failed: " + e);
        } catch (RuntimeException e) {
            return new Bad("internal decoder error: " + e);
        }
    }

    private Result decode(byte[] header) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        if (magic != Frame.MAGIC) {
            return new Bad("bad magic " + Integer.toHexString(magic));
        }
        int version = Byte.toUnsignedInt(h.get());
        if (version != Frame.VERSION) {
            return new Bad("unsupported protocol version " + version + " (this node speaks " + Frame.VERSION + ")");
        }
        int type = Byte.toUnsignedInt(h.get());
        if (type < 1 || type > FrameType.MAX) {
            return new Bad("unknown frame type " + type);
        }
        int flags = Short.toUnsignedInt(h.getShort());
        long seq = h.getLong();
        long length = Integer.toUnsignedLong(h.getInt());
        if (length > maxPayload) {
            return new Bad("payload of " + length + " bytes exceeds the limit " + maxPayload);
        }
        if (seq <= lastSeq) {
            return new Bad("sequence " + seq + " not after " + lastSeq + " (replayed or reordered frame)");
        }
        ByteBuffer body;
        if (socketIn != null && length >= directThreshold) {
            if (pooled == null || pooled.capacity() < length) {
                pooled = null; // let the old one go before allocating a bigger one
                pooled = ByteBuffer.allocateDirect((int) Math.max(length, 1 << 20));
            }
            pooled.clear().limit((int) length);
            socketIn.readFully(pooled);
            body = pooled.flip().slice();
        } else {
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            body = ByteBuffer.wrap(payload);
        }
        if (mac != null) {
            byte[] tag = new byte[Frame.MAC_BYTES];
            in.readFully(tag);
            mac.update(header);
            mac.update(body.duplicate());
            if (!MessageDigest.isEqual(mac.doFinal(), tag)) {
                return new Bad("frame authentication failed (wrong cluster key?)");
            }
        }
        lastSeq = seq;
        return new Ok(new Frame(type, flags, seq, body));
    }

    /** Reads the next frame, which must be of {@code type}; a bad frame or another type is an IOException naming it. */
    public Frame expect(int type) throws IOException {
        Result r = read();
        if (r instanceof Bad bad) {
            throw new IOException(bad.reason());
        }
        Frame f = ((Ok) r).frame();
        if (f.type() != type) {
            throw new IOException("expected " + FrameType.name(type) + ", got " + FrameType.name(f.type()));
        }
        return f;
    }
}
