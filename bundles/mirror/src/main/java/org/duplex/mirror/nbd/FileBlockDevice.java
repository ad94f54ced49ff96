package org.duplex.mirror.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A plain file (or block device) exported as is: no replication. */
public final class FileBlockDevice implements BlockDevice, AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 20;
    private final FileChannel channel;
    private final long size;
    private final boolean readOnly;

    public FileBlockDevice(Path path, long size, boolean readOnly) throws IOException {
        this.channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        if (!readOnly && channel.size() < size) {
            channel.write(ByteBuffer.allocate(1), size - 1);
        }
        this.size = size;
        this.readOnly = readOnly;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        readFully(channel, offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        writeFully(channel, offset, src);
        if (fua) {
            channel.force(false);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        // Advisory in NBD; contents after a trim are unspecified, so doing nothing is correct.
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua) throws IOException {
        zero(channel, offset, length);
        if (fua) {
            channel.force(false);
        }
    }

    /** Reads until dst is full; a read past the end of the file yields zeros. */
    public static void readFully(FileChannel ch, long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    public static void writeFully(FileChannel ch, long offset, ByteBuffer src) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += ch.write(src, pos);
        }
    }

    public static void zero(FileChannel ch, long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, length));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
            writeFully(ch, pos, zeros);
            pos += zeros.limit();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
