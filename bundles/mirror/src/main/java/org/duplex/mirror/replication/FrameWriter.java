package org.duplex.mirror.replication;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import javax.crypto.Mac;

/** Writes frames with increasing sequence numbers; thread safe (one frame at a time). */
public final class FrameWriter {
    private final DataOutputStream out;
    private Mac mac;
    private long seq;
    private long bytesWritten;

    public FrameWriter(OutputStream out) {
        this.out = new DataOutputStream(new BufferedOutputStream(out, 256 * 1024));
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
    public synchronized long send(int type, int flags, byte[] prefix, byte[] data, int off, int len,
                                  java.util.function.LongConsumer beforeSend) throws IOException {
        return send(type, flags, prefix, data, off, len, beforeSend, true);
    }

    /**
     * As above; with {@code flush = false} the frame may stay in the buffer until the next flushing send or
     * {@link #flush()} (a receiver batching its acks while more requests are already buffered).
     */
    public synchronized long send(int type, int flags, byte[] prefix, byte[] data, int off, int len,
                                  java.util.function.LongConsumer beforeSend, boolean flush) throws IOException {
        long s = ++seq;
        if (beforeSend != null) {
            beforeSend.accept(s);
        }
        ByteBuffer h = ByteBuffer.allocate(Frame.HEADER_BYTES);
        h.putInt(Frame.MAGIC).put((byte) Frame.VERSION).put((byte) type).putShort((short) flags).putLong(s)
                .putInt(prefix.length + len);
        out.write(h.array());
        out.write(prefix);
        out.write(data, off, len);
        if (mac != null) {
            mac.update(h.array());
            mac.update(prefix);
            mac.update(data, off, len);
            out.write(mac.doFinal());
        }
        if (flush) {
            out.flush();
        }
        bytesWritten += Frame.HEADER_BYTES + prefix.length + len;
        return s;
    }

    public synchronized long send(int type, int flags, byte[] payload, int off, int len,
                                  java.util.function.LongConsumer beforeSend) throws IOException {
        return send(type, flags, new byte[0], payload, off, len, beforeSend);
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }
}
