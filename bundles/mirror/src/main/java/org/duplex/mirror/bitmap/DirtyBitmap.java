package org.duplex.mirror.bitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.duplex.mirror.io.DiskFile;
import java.util.BitSet;

/**
 * One bit per region of {@code granularity} bytes: set = this leg may differ from its peer there.
 * Setting a bit is persisted (and forced) before {@link #markDirty} returns, so a region written while the peer
 * is away is never forgotten; clearing is lazy ({@link #persistAll}) because a stale set bit only costs a
 * needless copy.
 */
public final class DirtyBitmap implements AutoCloseable {
    private final long volumeSize;
    private final int granularity;
    private final long bits;
    private final long[] words;
    private final DiskFile file;
    private long cardinality;

    public DirtyBitmap(Path path, long volumeSize, int granularity) throws IOException {
        if (granularity < 4096 || Integer.bitCount(granularity) != 1) {
            throw new IllegalArgumentException("bitmap granularity must be a power of two >= 4096: " + granularity);
        }
        this.volumeSize = volumeSize;
        this.granularity = granularity;
        this.bits = (volumeSize + granularity - 1) / granularity;
        if (bits > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("volume too large for granularity " + granularity);
        }
        this.words = new long[(int) ((bits + 63) / 64)];
        this.file = new DiskFile(path, false);
        ByteBuffer b = ByteBuffer.allocate(words.length * 8);
        file.read(0, b);
        b.flip();
        for (int i = 0; i < words.length && b.remaining() >= 8; i++) {
            words[i] = b.getLong();
        }
        if (words.length > 0 && bits % 64 != 0) {
            words[words.length - 1] &= (1L << (bits % 64)) - 1;
        }
        for (long w : words) {
            cardinality += Long.bitCount(w);
        }
    }

    public int granularity() {
        return granularity;
    }

    public long bitCount() {
        return bits;
    }

    public long volumeSize() {
        return volumeSize;
    }

    public synchronized long dirtyRegions() {
        return cardinality;
    }

    public synchronized long dirtyBytes() {
        long total = cardinality * granularity;
        if (bits > 0 && isSet(bits - 1)) {
            total -= (long) granularity * bits - volumeSize;
        }
        return total;
    }

    public long regionOffset(long bit) {
        return bit * granularity;
    }

    public int regionLength(long bit) {
        return (int) Math.min(granularity, volumeSize - bit * granularity);
    }

    /** Marks the regions covering [offset, offset+length) and forces the changed words to disk. */
    public synchronized void markDirty(long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        long first = offset / granularity;
        long last = Math.min(bits - 1, (offset + length - 1) / granularity);
        int firstWord = -1;
        int lastWord = -1;
        for (long b = first; b <= last; b++) {
            int w = (int) (b >>> 6);
            long m = 1L << (b & 63);
            if ((words[w] & m) == 0) {
                words[w] |= m;
                cardinality++;
                if (firstWord < 0) {
                    firstWord = w;
                }
                lastWord = w;
            }
        }
        if (firstWord >= 0) {
            writeWords(firstWord, lastWord);
            file.force();
        }
    }

    public synchronized void setAll() throws IOException {
        for (long b = 0; b < bits; b++) {
            words[(int) (b >>> 6)] |= 1L << (b & 63);
        }
        cardinality = bits;
        persistAll();
    }

    /** Sets every bit set in {@code other} (same geometry), persisted. */
    public synchronized void or(long[] other) throws IOException {
        for (int i = 0; i < words.length && i < other.length; i++) {
            words[i] |= other[i];
        }
        if (words.length > 0 && bits % 64 != 0) {
            words[words.length - 1] &= (1L << (bits % 64)) - 1;
        }
        cardinality = 0;
        for (long w : words) {
            cardinality += Long.bitCount(w);
        }
        persistAll();
    }

    public synchronized boolean isSet(long bit) {
        return (words[(int) (bit >>> 6)] & (1L << (bit & 63))) != 0;
    }

    /** Clears in memory only; call {@link #persistAll} at a checkpoint. */
    public synchronized void clear(long bit) {
        int w = (int) (bit >>> 6);
        long m = 1L << (bit & 63);
        if ((words[w] & m) != 0) {
            words[w] &= ~m;
            cardinality--;
        }
    }

    public synchronized void clearAll() throws IOException {
        java.util.Arrays.fill(words, 0);
        cardinality = 0;
        persistAll();
    }

    public synchronized long[] snapshot() {
        return words.clone();
    }

    public synchronized BitSet toBitSet() {
        return BitSet.valueOf(words);
    }

    public synchronized void persistAll() throws IOException {
        if (words.length > 0) {
            writeWords(0, words.length - 1);
        }
        file.force();
    }

    private void writeWords(int from, int to) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((to - from + 1) * 8);
        for (int i = from; i <= to; i++) {
            b.putLong(words[i]);
        }
        b.flip();
        file.write((long) from * 8, b);
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
