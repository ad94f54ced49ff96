package org.duplex.mirror.bitmap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The regions a leg has writes in flight to, bounded ({@code slots} x {@code regionSize} bytes), recorded in a
 * memory-mapped file: what may differ from the peer after a <em>process</em> crash (SIGKILL, a JVM crash, the OOM
 * killer) on the same boot.
 *
 * <p>Why a process crash needs less than {@link ActivityLog}: every write a leg's {@code write()} returned is in the
 * OS page cache, which outlives the process (the kernel still writes it back, the next process reads it). So after a
 * process crash a region can only differ from the peer if a write to it had begun and was not yet finished: on a
 * primary, not yet acknowledged by the peer nor recorded in the dirty bitmap; on a receiving leg, not yet written.
 * A region enters this log before its first write begins and leaves as soon as no write to it is in flight. Both are
 * stores into the shared mapping, so the record is in the page cache at once, without a system call and without a
 * force: the record only has to survive what the data it describes survives.
 *
 * <p>A machine restart (power loss, kernel crash) loses the page cache, data and this record alike; the header
 * carries the kernel's boot id, and {@link #recover} trusts the record only on the boot that wrote it. Otherwise the
 * forced {@link ActivityLog} (regions not yet forced to disk) is what may differ.
 *
 * <p>A write needing more free slots than there are waits until writes in flight end (the bound holds for any
 * pattern); a write needing more than {@code slots} regions is refused.
 */
public final class InFlightLog implements AutoCloseable {
    private static final long MAGIC = 0x4450_4946_4C4F_4731L; // "DPIFLOG1"
    private static final int HEADER = 64;
    private static final int BOOT_ID_MAX = HEADER - 24;

    /** What a crashed leg's record says: the regions, and whether the record can be trusted (same boot, intact). */
    public record Recovered(boolean trusted, List<Long> regions, String reason) {
    }

    /** One logged region: writes in flight and the slot holding it. */
    private static final class Region {
        int inFlight;
        final int slot;

        Region(int slot) {
            this.slot = slot;
        }
    }

    private final long regionSize;
    private final int slots;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final Map<Long, Region> active = new HashMap<>();
    private final int[] free;
    private int freeCount;
    private int waiting;
    private boolean closed;

    /**
     * Starts an empty log in {@code path} for this boot (after {@link #recover} read the previous one and its
     * regions were marked for resync).
     */
    public InFlightLog(Path path, long regionSize, int slots, String bootId) throws IOException {
        if (regionSize <= 0 || slots <= 0) {
            throw new IllegalArgumentException("in-flight log " + path + ": region size " + regionSize + " and slots "
                    + slots + " must be positive");
        }
        this.regionSize = regionSize;
        this.slots = slots;
        this.free = new int[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = slots - 1 - i;
        }
        this.freeCount = slots;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = HEADER + 8L * slots;
        channel.truncate(size);
        this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        // the magic last: a process killed while this runs leaves a record recover() does not trust (and the
        // previous record's regions are already marked for resync by then)
        map.putLong(0, 0);
        for (int i = 0; i < slots; i++) {
            map.putLong(HEADER + 8 * i, 0);
        }
        byte[] id = bootId.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(id.length, BOOT_ID_MAX);
        map.putLong(8, regionSize).putInt(16, slots).putInt(20, n);
        map.put(24, id, 0, n);
        map.putLong(0, MAGIC);
    }

    /**
     * Reads the record a previous process left in {@code path}. Trusted only when it is intact, was written on
     * {@code currentBootId} (known, not empty) with the same region size: then the page cache that held that
     * process's writes is still there and only the recorded regions may differ from the peer.
     */
    public static Recovered recover(Path path, long regionSize, String currentBootId) throws IOException {
        if (!Files.isRegularFile(path)) {
            return new Recovered(false, List.of(), "no in-flight log");
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path));
        if (b.remaining() < HEADER || b.getLong(0) != MAGIC) {
            return new Recovered(false, List.of(), "in-flight log unreadable");
        }
        long size = b.getLong(8);
        int n = b.getInt(16);
        int idLength = b.getInt(20);
        if (n <= 0 || idLength < 0 || idLength > BOOT_ID_MAX || b.remaining() < HEADER + 8L * n) {
            return new Recovered(false, List.of(), "in-flight log unreadable");
        }
        java.util.Set<Long> found = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            long v = b.getLong(HEADER + 8 * i);
            if (v > 0) {
                long first = (v - 1) * size / regionSize;
                long last = ((v - 1) * size + size - 1) / regionSize;
                for (long r = first; r <= last; r++) {
                    found.add(r);
                }
            }
        }
        List<Long> regions = new ArrayList<>(found);
        String id = new String(b.array(), 24, idLength, StandardCharsets.US_ASCII);
        if (currentBootId.isEmpty() || id.isEmpty()) {
            return new Recovered(false, regions, "boot id unknown");
        }
        if (!id.equals(currentBootId)) {
            return new Recovered(false, regions, "the machine restarted since (boot id " + id + ", now "
                    + currentBootId + ")");
        }
        return new Recovered(true, regions, "same boot");
    }

    public long regionSize() {
        return regionSize;
    }

    public int capacity() {
        return slots;
    }

    /**
     * Registers a write: its regions are in the record (the page cache) when this returns. Waits while the regions
     * it needs exceed the free slots.
     *
     * @throws IllegalArgumentException the write spans more regions than the log has slots
     * @throws InterruptedIOException   interrupted while waiting for slots (nothing registered)
     */
    public synchronized void begin(long offset, long length) throws IOException {
        long first = offset / regionSize;
        long last = (offset + Math.max(length, 1) - 1) / regionSize;
        if (last - first + 1 > slots) {
            throw new IllegalArgumentException("a write of " + length + " bytes at " + offset + " spans "
                    + (last - first + 1) + " regions of " + regionSize + " bytes, more than the in-flight log's "
                    + slots);
        }
        while (true) {
            ensureOpen();
            int needed = 0;
            for (long r = first; r <= last; r++) {
                if (!active.containsKey(r)) {
                    needed++;
                }
            }
            if (needed <= freeCount) {
                break;
            }
            waiting++;
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a slot in the in-flight log");
            } finally {
                waiting--;
            }
        }
        for (long r = first; r <= last; r++) {
            Region x = active.get(r);
            if (x == null) {
                x = new Region(free[--freeCount]);
                active.put(r, x);
                map.putLong(HEADER + 8 * x.slot, r + 1);
            }
            x.inFlight++;
        }
    }

    /** Whether a write at {@code offset} would wait for slots now (for tests driving writers one at a time). */
    public synchronized boolean wouldWait(long offset, long length) {
        long first = offset / regionSize;
        long last = (offset + Math.max(length, 1) - 1) / regionSize;
        int needed = 0;
        for (long r = first; r <= last; r++) {
            if (!active.containsKey(r)) {
                needed++;
            }
        }
        return needed > freeCount;
    }

    /** A write has ended (acknowledged by the peer or recorded in the bitmap, or applied on a receiving leg). */
    public synchronized void end(long offset, long length) {
        long first = offset / regionSize;
        long last = (offset + Math.max(length, 1) - 1) / regionSize;
        boolean freed = false;
        for (long r = first; r <= last; r++) {
            Region x = active.get(r);
            if (x != null && --x.inFlight <= 0) {
                active.remove(r);
                if (!closed) {
                    map.putLong(HEADER + 8 * x.slot, 0);
                }
                free[freeCount++] = x.slot;
                freed = true;
            }
        }
        if (freed && waiting > 0) {
            notifyAll();
        }
    }

    /** Regions recorded now (what a process crash at this moment would resync). */
    public synchronized int size() {
        return active.size();
    }

    /** The recorded regions, in no particular order. */
    public synchronized List<Long> regions() {
        return new ArrayList<>(active.keySet());
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("in-flight log closed");
        }
    }

    /** Stops recording. Regions with writes still in flight stay in the record (a later start resyncs them). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        channel.close(); // the mapping stays valid until collected; nothing writes to it any more
    }
}
