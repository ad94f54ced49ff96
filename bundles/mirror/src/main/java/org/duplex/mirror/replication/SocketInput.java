package org.duplex.mirror.replication;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A buffered socket input that can also fill a {@link ByteBuffer} straight from the socket's channel: bytes already
 * buffered first, then the rest read by the channel into the caller's buffer (a direct buffer then costs no copy
 * through the Java heap). Used for the bulk payloads of NBD writes and replication frames; headers still go
 * through the stream (with its {@code SO_TIMEOUT}).
 *
 * <p>A channel read has no timeout: {@link #blockedNanos()} tells how long the current channel read has been
 * waiting, so a watchdog can close a connection whose peer stopped mid-payload.
 */
public final class SocketInput extends BufferedInputStream {
    private final ReadableByteChannel channel;
    private final InputStream socketStream;
    private volatile long blockedSince;

    /** @param channel the socket's channel, or null (then payloads are read through the stream) */
    public SocketInput(InputStream in, ReadableByteChannel channel, int size) {
        super(in, size);
        this.channel = channel;
        this.socketStream = in;
    }

    /**
     * From now on everything, headers too, is read through the channel, without {@code SO_TIMEOUT}: a socket
     * stream with a timeout switches the socket to non-blocking and back around every read (two {@code fcntl}
     * and a {@code poll} per read on a busy link). The owner then watches {@link #blockedNanos()} instead.
     */
    public synchronized void readThroughChannel() {
        if (channel == null) {
            return;
        }
        in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                blockedSince = System.nanoTime();
                try {
                    return channel.read(ByteBuffer.wrap(b, off, len));
                } finally {
                    blockedSince = 0;
                }
            }

            @Override
            public int available() throws IOException {
                return socketStream.available();
            }

            @Override
            public void close() throws IOException {
                socketStream.close();
            }
        };
    }

    /** Bytes already buffered (readable without a system call). */
    public synchronized int buffered() {
        return count - pos;
    }

    public boolean direct() {
        return channel != null;
    }

    /** Fills {@code dst} completely: buffered bytes first, then from the channel (or the stream). */
    public synchronized void readFully(ByteBuffer dst) throws IOException {
        if (buf == null) {
            throw new IOException("stream closed");
        }
        int n = Math.min(count - pos, dst.remaining());
        if (n > 0) {
            dst.put(buf, pos, n);
            pos += n;
        }
        if (!dst.hasRemaining()) {
            return;
        }
        if (channel == null) {
            byte[] chunk = new byte[Math.min(dst.remaining(), 64 * 1024)];
            while (dst.hasRemaining()) {
                int r = read(chunk, 0, Math.min(chunk.length, dst.remaining()));
                if (r < 0) {
                    throw new EOFException();
                }
                dst.put(chunk, 0, r);
            }
            return;
        }
        blockedSince = System.nanoTime();
        try {
            while (dst.hasRemaining()) {
                if (channel.read(dst) < 0) {
                    throw new EOFException();
                }
            }
        } finally {
            blockedSince = 0;
        }
    }

    /** How long the current channel read (payload, or any read after {@link #readThroughChannel}) has been
     * running, 0 when none is. */
    public long blockedNanos() {
        long s = blockedSince;
        return s == 0 ? 0 : System.nanoTime() - s;
    }
}
