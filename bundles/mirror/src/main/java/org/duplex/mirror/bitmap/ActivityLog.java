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

/**
 * The set of "hot" extents a primary may be writing. An extent enters the log (and the log is forced to disk)
 * before the first write to it; it leaves only when evicted idle. After a primary crash, exactly the logged
 * extents may differ from the peer, so only they are resynced instead of the whole disk.
 */
public final class ActivityLog implements AutoCloseable {
    private final long extentSize;
    private final int capacity;
    private final DiskFile file;
    /** extent -> writes in flight, in least-recently-used order. */
    private final LinkedHashMap<Long, Integer> active = new LinkedHashMap<>(64, 0.75f, true);
    private long transactions;

    public ActivityLog(Path path, long extentSize, int capacity) throws IOException {
        this.extentSize = extentSize;
        this.capacity = capacity;
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

    /** Registers a write; returns after the extents it touches are durably in the log. */
    public synchronized void begin(long offset, long length) throws IOException {
        boolean changed = false;
        for (long e = offset / extentSize; e <= (offset + Math.max(length, 1) - 1) / extentSize; e++) {
            Integer n = active.get(e);
            if (n == null) {
                active.put(e, 1);
                changed = true;
            } else {
                active.put(e, n + 1);
            }
        }
        if (changed) {
            evictIdle();
            persist();
        }
    }

    public synchronized void end(long offset, long length) {
        for (long e = offset / extentSize; e <= (offset + Math.max(length, 1) - 1) / extentSize; e++) {
            Integer n = active.get(e);
            if (n != null) {
                active.put(e, Math.max(0, n - 1));
            }
        }
    }

    private void evictIdle() {
        Iterator<Map.Entry<Long, Integer>> it = active.entrySet().iterator();
        while (active.size() > capacity && it.hasNext()) {
            if (it.next().getValue() == 0) {
                it.remove();
            }
        }
    }

    /** A clean stop: nothing is in flight any more, the log is emptied. */
    public synchronized void clear() throws IOException {
        Map<Long, Integer> busy = new HashMap<>();
        active.forEach((e, n) -> {
            if (n > 0) {
                busy.put(e, n);
            }
        });
        active.clear();
        active.putAll(busy);
        persist();
    }

    public synchronized int size() {
        return active.size();
    }

    public synchronized long transactions() {
        return transactions;
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
