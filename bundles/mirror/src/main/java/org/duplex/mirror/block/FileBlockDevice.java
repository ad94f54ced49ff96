package org.duplex.mirror.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.duplex.mirror.io.DiskFile;

/** A plain file (or block device) exported as is: no replication. */
public final class FileBlockDevice implements BlockDevice, AutoCloseable {
    private final DiskFile channel;
    private final long size;
    private final boolean readOnly;

    public FileBlockDevice(Path path, long size, boolean readOnly) throws IOException {
        this.channel = new DiskFile(path, readOnly);
        if (!readOnly) {
            channel.ensureSize(size);
        }
        this.size = size;
        this.readOnly = readOnly;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean completesLocally() {
        return true;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        channel.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        channel.write(offset, src);
        if (fua) {
            channel.force();
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        // Advisory in NBD; contents after a trim are unspecified, so doing nothing is correct.
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua) throws IOException {
        channel.zero(offset, length);
        if (fua) {
            channel.force();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
