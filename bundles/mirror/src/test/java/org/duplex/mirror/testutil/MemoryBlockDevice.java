package org.duplex.mirror.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.block.BlockError;

/**
 * A block device in memory for front-end tests: records trims, write-zeroes, flushes and FUA writes; can be put in
 * standby (a secondary) or made to fail the next writes as a mirror does at a failover.
 */
public final class MemoryBlockDevice implements BlockDevice {
    public final byte[] data;
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile String standby;
    private volatile BlockError failWrites;

    public MemoryBlockDevice(int size) {
        this.data = new byte[size];
    }

    public void standby(String why) {
        this.standby = why;
    }

    /** Every write, flush, trim or write-zeroes fails with this error from now on (null: none). */
    public void failWrites(BlockError e) {
        this.failWrites = e;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public Optional<String> standby() {
        return Optional.ofNullable(standby);
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        dst.put(data, (int) offset, dst.remaining());
    }

    private void check(String what) throws IOException {
        BlockError e = failWrites;
        if (e != null) {
            throw new BlockDeviceException(e, what + " refused by the test");
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        check("write");
        calls.add("write " + offset + " " + src.remaining() + (fua ? " fua" : ""));
        src.get(data, (int) offset, src.remaining());
    }

    @Override
    public void flush() throws IOException {
        check("flush");
        calls.add("flush");
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        check("trim");
        calls.add("trim " + offset + " " + length);
    }

    @Override
    public synchronized void writeZeroes(long offset, long length, boolean fua) throws IOException {
        check("zero");
        calls.add("zero " + offset + " " + length);
        java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
    }
}
