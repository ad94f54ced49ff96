package org.duplex.mirror.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongConsumer;

import javax.crypto.Mac;

/**
 * Writes frames with increasing sequence numbers; thread safe (one frame at a time). Small frames are gathered in
 * a direct buffer and leave together on {@link #flush()} (or a flushing send); a large payload (at least
 * {@link #GATHER_THRESHOLD} bytes) leaves at once with the buffered bytes in one gathering write, straight from
 * the caller's buffer: a direct payload is then never copied in the JVM, and the caller may reuse it as soon as
 * {@code send} returns.
 */
public final class FrameWriter {
    /** Payloads from this size on are written from the caller's buffer instead of being copied into ours. */
    public static final int GATHER_THRESHOLD = 64 * 1024;
    private static final int BUFFER = 256 * 1024;
    private static final byte[] NONE = new byte[0];

    private final WritableByteChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);
    private Mac mac;
    private long seq;
    private long bytesWritten;

    public FrameWriter(OutputStream out) {
        this(out, null);
    }

    /** @param channel the socket's channel (bulk payloads are written through it), or null to use the stream */
    public FrameWriter(OutputStream out, WritableByteChannel channel) {
        this.channel = channel != null ? channel : Channels.newChannel(out);
    }

    public synchronized void setKey(byte[] key) {
        this.mac = key == null ? null : FrameReader.newMac(key);
    }

    /** Sends a frame and returns its sequence number. */
    public long send(int type, int flags, byte[] payload) throws IOException {
        return send(type, flags, payload, 0, payload.length, null);
    }

    /**
     * Sends a frame whose payload is {@code prefix} followed by {@code data[off, off+len)}, and returns its
     * sequence number. {@code beforeSend}, if given, runs with the sequence number under the writer's lock, so
     * a reply can be registered before it can possibly arrive.
     */
    public long send(int type, int flags, byte[] prefix, byte[] data, int off, int len, LongConsumer beforeSend)
            throws IOException {
        return send(type, flags, prefix, ByteBuffer.wrap(data, off, len), beforeSend, true);
    }

    /**
     * As above; with {@code flush = false} the frame may stay in the buffer until the next flushing send or
     * {@link #flush()} (a receiver batching its acks while more requests are already buffered).
     */
    public long send(int type, int flags, byte[] prefix, byte[] data, int off, int len, LongConsumer beforeSend,
                     boolean flush) throws IOException {
        return send(type, flags, prefix, ByteBuffer.wrap(data, off, len), beforeSend, flush);
    }

    public long send(int type, int flags, byte[] payload, int off, int len, LongConsumer beforeSend)
            throws IOException {
        return send(type, flags, NONE, ByteBuffer.wrap(payload, off, len), beforeSend, true);
    }

    /**
     * Sends a frame whose payload is {@code prefix} followed by {@code data}'s remaining bytes; {@code data}'s
     * position is not changed, and the writer keeps no reference to it once this returns.
     */
    public synchronized long send(int type, int flags, byte[] prefix, ByteBuffer data, LongConsumer beforeSend,
                                  boolean flush) throws IOException {
        long s = ++seq;
        if (beforeSend != null) {
            beforeSend.accept(s);
        }
        int len = data.remaining();
        header.clear();
        header.putInt(Frame.MAGIC).put((byte) Frame.VERSION).put((byte) type).putShort((short) flags).putLong(s)
                .putInt(prefix.length + len).flip();
        if (mac != null) {
            mac.update(header.array());
            mac.update(prefix);
            mac.update(data.duplicate());
        }
        put(header);
        put(ByteBuffer.wrap(prefix));
        if (len >= GATHER_THRESHOLD) {
            buf.flip();
            writeFully(buf, data.duplicate());
            buf.clear();
        } else {
            put(data.duplicate());
        }
        if (mac != null) {
            put(ByteBuffer.wrap(mac.doFinal()));
        }
        if (flush) {
            drain();
        }
        bytesWritten += Frame.HEADER_BYTES + prefix.length + len;
        return s;
    }

    private void put(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!buf.hasRemaining()) {
                drain();
            }
            int n = Math.min(buf.remaining(), src.remaining());
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            buf.put(part);
            src.position(src.position() + n);
        }
    }

    private void drain() throws IOException {
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } finally {
            buf.clear();
        }
    }

    private void writeFully(ByteBuffer a, ByteBuffer b) throws IOException {
        if (channel instanceof GatheringByteChannel g) {
            ByteBuffer[] both = {a, b};
            while (a.hasRemaining() || b.hasRemaining()) {
                g.write(both);
            }
        } else {
            while (a.hasRemaining()) {
                channel.write(a);
            }
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    public synchronized void flush() throws IOException {
        if (buf.position() > 0) {
            drain();
        }
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }
}
