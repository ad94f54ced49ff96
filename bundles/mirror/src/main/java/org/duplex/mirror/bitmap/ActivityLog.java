package org.duplex.mirror.bitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.duplex.mirror.io.DiskFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The set of "hot" extents a leg may be writing. An extent enters the log (and the log is forced to disk) before
 * the first write to it. It leaves when {@link #retireIdle} finds it idle and its writes durable on this leg (the
 * data file forced after its last write ended), or, when the log is full, once idle and the data file forced. After a crash, exactly the
 * logged extents may differ from the peer, so only they are resynced instead of the whole disk; an idle volume's
 * log is empty, so a crash then resyncs nothing.
 *
 * <p>Time comes from an injectable clock (nanoseconds), and retirement runs only when {@link #retireIdle} is
 * called (the volume's maintenance thread ticks it), so tests drive both without sleeping.
 */
public final class ActivityLog implements AutoCloseable {
    /** Forces the data file the logged writes went to. */
    @FunctionalInterface
    public interface Force {
        void run() throws IOException;
    }

    /** One logged extent: writes in flight, when the last one ended, how many began (to notice new ones). */
    private static final class Extent {
        int inFlight;
        long lastEndNanos;
        long begun;
    }

    private final long extentSize;
    private final int capacity;
    private final DiskFile file;
    private final LongSupplier clock;
    private final Force forceData;
    /** extent -> its state, in least-recently-used order. */
    private final LinkedHashMap<Long, Extent> active = new LinkedHashMap<>(64, 0.75f, true);
    private long transactions;
    private long evictions;
    /** Rounds of making room before a write goes ahead anyway (other writers took the room each time). */
    private static final int MAX_ROOM_ATTEMPTS = 8;

    public ActivityLog(Path path, long extentSize, int capacity, Force forceData) throws IOException {
        this(path, extentSize, capacity, System::nanoTime, forceData);
    }

    /**
     * @param forceData forces the data file the logged writes go to: run before an idle extent is evicted to make
     *                  room for a new one, because an extent may only leave once its writes are durable
     */
    public ActivityLog(Path path, long extentSize, int capacity, LongSupplier clock, Force forceData)
            throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("activity log capacity must be at least 1, got " + capacity);
        }
        this.extentSize = extentSize;
        this.capacity = capacity;
        this.clock = clock;
        this.forceData = forceData;
        this.file = new DiskFile(path, false);
    }

    /** Extents recorded on disk (those to resync after a crash). */
    public synchronized List<Long> recordedExtents() throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(file.size(), 8L + 8L * 65536));
        file.read(0, b);
        b.flip();
        List<Long> out = new ArrayList<>();
        if (b.remaining() < 8) {
            return out;
        }
        int n = b.getInt();
        b.getInt();
        for (int i = 0; i < n && b.remaining() >= 8; i++) {
            long e = b.getLong();
            if (e >= 0) {
                out.add(e);
            }
        }
        return out;
    }

    public long extentSize() {
        return extentSize;
    }

    /**
     * Registers a write; returns after the extents it touches are durably in the log. When they do not fit, room is
     * made first: the data file is forced (outside the log's lock) and the least recently used extents with no write
     * in flight leave. Without that force, a power loss could lose their last writes on this leg while nothing
     * marked them for resync. Extents with writes in flight never leave, so when every logged extent has one (or
     * other writers keep taking the room made) the log grows past its capacity instead: never wrong, only larger.
     * A failed force fails the write before anything is registered.
     */
    public void begin(long offset, long length) throws IOException {
        long first = offset / extentSize;
        long last = (offset + Math.max(length, 1) - 1) / extentSize;
        for (int attempt = 0; ; attempt++) {
            Map<Long, Long> evict;
            synchronized (this) {
                int missing = 0;
                for (long e = first; e <= last; e++) {
                    if (!active.containsKey(e)) {
                        missing++;
                    }
                }
                int excess = active.size() + missing - capacity;
                evict = excess <= 0 || attempt >= MAX_ROOM_ATTEMPTS ? Map.of() : evictionCandidates(excess, first, last);
                if (evict.isEmpty()) {
                    boolean changed = false;
                    for (long e = first; e <= last; e++) {
                        Extent x = active.get(e);
                        if (x == null) {
                            x = new Extent();
                            active.put(e, x);
                            changed = true;
                        }
                        x.inFlight++;
                        x.begun++;
                    }
                    if (changed) {
                        persist();
                    }
                    return;
                }
            }
            forceData.run(); // every write that ended before this point is on this leg's disk
            synchronized (this) {
                for (Map.Entry<Long, Long> c : evict.entrySet()) {
                    Extent x = active.get(c.getKey());
                    if (x != null && x.inFlight == 0 && x.begun == c.getValue()) {
                        active.remove(c.getKey()); // recorded on disk with the next change (a larger record is safe)
                    }
                }
                evictions++;
            }
        }
    }

    public synchronized void end(long offset, long length) {
        long now = clock.getAsLong();
        for (long e = offset / extentSize; e <= (offset + Math.max(length, 1) - 1) / extentSize; e++) {
            Extent x = active.get(e);
            if (x != null) {
                x.inFlight = Math.max(0, x.inFlight - 1);
                x.lastEndNanos = now;
            }
        }
    }

    /**
     * Up to {@code excess} least recently used extents with no write in flight, each with its begun count; never one
     * of the extents {@code first..last} the write asking for room is about to use (it would only be added back).
     */
    private Map<Long, Long> evictionCandidates(int excess, long first, long last) {
        Map<Long, Long> out = new HashMap<>();
        Iterator<Map.Entry<Long, Extent>> it = active.entrySet().iterator();
        while (out.size() < excess && it.hasNext()) {
            Map.Entry<Long, Extent> en = it.next();
            long e = en.getKey();
            if (en.getValue().inFlight == 0 && (e < first || e > last)) {
                out.put(e, en.getValue().begun);
            }
        }
        return out;
    }

    /**
     * Removes the extents whose writes are durable on this leg: no write in flight and none ended for
     * {@code idleNanos}. {@code force} runs once, outside the log's lock, before anything is removed (and not at
     * all when nothing is idle); an extent that saw a new write meanwhile stays. The shrunk log is forced. Returns
     * how many extents left the log.
     */
    public int retireIdle(long idleNanos, Force force) throws IOException {
        Map<Long, Long> candidates = new HashMap<>();
        synchronized (this) {
            long now = clock.getAsLong();
            for (Map.Entry<Long, Extent> en : active.entrySet()) {
                Extent x = en.getValue();
                if (x.inFlight == 0 && now - x.lastEndNanos >= idleNanos) {
                    candidates.put(en.getKey(), x.begun);
                }
            }
            if (candidates.isEmpty()) {
                return 0;
            }
        }
        force.run(); // every write that ended before this point is on this leg's disk
        synchronized (this) {
            int removed = 0;
            for (Map.Entry<Long, Long> c : candidates.entrySet()) {
                Extent x = active.get(c.getKey());
                if (x != null && x.inFlight == 0 && x.begun == c.getValue()) {
                    active.remove(c.getKey());
                    removed++;
                }
            }
            if (removed > 0) {
                persist();
            }
            return removed;
        }
    }

    /** A clean stop: nothing is in flight any more, the log is emptied. */
    public synchronized void clear() throws IOException {
        active.entrySet().removeIf(en -> en.getValue().inFlight == 0);
        persist();
    }

    public synchronized int size() {
        return active.size();
    }

    public synchronized long transactions() {
        return transactions;
    }

    /** How often a full log forced the data file to make room (a write then waits for the disk). */
    public synchronized long evictions() {
        return evictions;
    }

    public int capacity() {
        return capacity;
    }

    private void persist() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * active.size());
        b.putInt(active.size()).putInt(0);
        for (long e : active.keySet()) {
            b.putLong(e);
        }
        b.flip();
        long end = b.remaining();
        file.write(0, b);
        file.truncate(end);
        file.force();
        transactions++;
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
