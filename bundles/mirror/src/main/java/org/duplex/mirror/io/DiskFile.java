package org.duplex.mirror.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file or block device accessed with positional I/O that survives thread interrupts. A plain {@link FileChannel}
 * is closed for every user when any thread is interrupted during I/O (an NBD worker pool shut down, a Karaf
 * thread interrupted); here such an operation reopens the file and is retried, and the interrupt is kept.
 * Positional reads and writes are idempotent, so the retry is safe.
 */
public final class DiskFile implements AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 20;
    private final Path path;
    private final boolean readOnly;
    private volatile FileChannel channel;
    private volatile boolean closed;

    public DiskFile(Path path, boolean readOnly) throws IOException {
        this.path = path;
        this.readOnly = readOnly;
        this.channel = openChannel();
    }

    private FileChannel openChannel() throws IOException {
        return readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @FunctionalInterface
    private interface Op<T> {
        T run(FileChannel ch) throws IOException;
    }

    private <T> T io(Op<T> op, ByteBuffer buf) throws IOException {
        int start = buf == null ? 0 : buf.position();
        FileChannel ch = channel;
        try {
            return op.run(ch);
        } catch (ClosedChannelException e) {
            if (closed) {
                throw e;
            }
            boolean interrupted = Thread.interrupted();
            try {
                reopen(ch);
                if (buf != null) {
                    buf.position(start);
                }
                return op.run(channel);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (channel == broken && !closed) {
            channel = openChannel();
        }
    }

    public long size() throws IOException {
        return io(FileChannel::size, null);
    }

    /** Reads until dst is full; past the end of the file it yields zeros. */
    public void read(long offset, ByteBuffer dst) throws IOException {
        io(ch -> {
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                    break;
                }
                pos += n;
            }
            return null;
        }, dst);
    }

    public void write(long offset, ByteBuffer src) throws IOException {
        io(ch -> {
            long pos = offset;
            while (src.hasRemaining()) {
                pos += ch.write(src, pos);
            }
            return null;
        }, src);
    }

    public void zero(long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(1, length)));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
            write(pos, zeros);
            pos += zeros.limit();
        }
    }

    public void force() throws IOException {
        io(ch -> {
            ch.force(false);
            return null;
        }, null);
    }

    public void truncate(long size) throws IOException {
        io(ch -> {
            ch.truncate(size);
            return null;
        }, null);
    }

    /** Grows a regular file to at least {@code size} bytes (sparse). */
    public void ensureSize(long size) throws IOException {
        if (size() < size) {
            write(size - 1, ByteBuffer.allocate(1));
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** Retries once more on an asynchronous close as well (another thread's interrupt mid-operation). */
    static boolean retryable(IOException e) {
        return e instanceof AsynchronousCloseException || e instanceof ClosedChannelException;
    }
}
