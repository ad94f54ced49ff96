package org.duplex.mirror.engine;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.mirror.replication.FrameReader;
import org.duplex.mirror.replication.FrameWriter;
import org.duplex.mirror.replication.SocketInput;

/**
 * An established replication connection: frame writer, reader, and the requests awaiting an answer.
 * {@link #fail} is idempotent; it marks every unanswered write's region dirty before failing its future, so a
 * writer that then acknowledges its application write has the region recorded for resync.
 */
final class PeerLink {

    /** Thrown into futures when the link is gone. */
    static final class PeerLostException extends IOException {
        private static final long serialVersionUID = 1L;

        PeerLostException(String reason) {
            super(reason);
        }
    }

    /** An awaited answer; for writes, the region to mark dirty if the answer never comes. */
    record Pending(CompletableFuture<byte[]> future, long offset, long length, long sentNanos) {
    }

    final Socket socket;
    final SocketInput rawIn;
    final FrameReader reader;
    final FrameWriter writer;
    final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    final AtomicBoolean failed = new AtomicBoolean();
    final AtomicInteger pendingReads = new AtomicInteger();
    final AtomicLong resyncBytesSent = new AtomicLong();
    volatile String failReason;
    private final MirrorVolume volume;

    PeerLink(MirrorVolume volume, Socket socket, SocketInput rawIn, FrameReader reader, FrameWriter writer) {
        this.volume = volume;
        this.socket = socket;
        this.rawIn = rawIn;
        this.reader = reader;
        this.writer = writer;
    }

    boolean up() {
        return !failed.get();
    }

    /**
     * Sends a request that expects an answer; returns its future. If the link is or goes down, the future fails
     * (and the region, if any, is marked dirty).
     */
    CompletableFuture<byte[]> request(int type, byte[] prefix, byte[] data, int off, int len, long regionOffset,
                                      long regionLength) {
        return request(type, prefix, data, off, len, regionOffset, regionLength, true);
    }

    /** As above; {@code flush = false} leaves the frame buffered until the sender's burst ends. */
    CompletableFuture<byte[]> request(int type, byte[] prefix, byte[] data, int off, int len, long regionOffset,
                                      long regionLength, boolean flush) {
        return request(type, prefix, ByteBuffer.wrap(data, off, len), regionOffset, regionLength, flush);
    }

    /** As above with the data's remaining bytes; the link keeps no reference to {@code data} once this returns. */
    CompletableFuture<byte[]> request(int type, byte[] prefix, ByteBuffer data, long regionOffset, long regionLength,
                                      boolean flush) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Pending p = new Pending(f, regionOffset, regionLength, System.nanoTime());
        long[] seq = new long[1];
        try {
            writer.send(type, 0, prefix, data, s -> {
                seq[0] = s;
                pending.put(s, p);
            }, flush);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage());
        }
        if (failed.get()) {
            // fail() may have run before our registration: settle this one ourselves.
            if (pending.remove(seq[0]) != null) {
                settleLost(p);
            }
        }
        return f;
    }

    void send(int type, byte[] payload) {
        try {
            writer.send(type, 0, payload);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage());
        }
    }

    /** Completes the request answered by a reply frame whose payload starts with the request's seq. */
    void answer(byte[] payload) {
        if (payload.length < 9) {
            fail("malformed reply");
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long ref = b.getLong();
        int status = Byte.toUnsignedInt(b.get());
        Pending p = pending.remove(ref);
        if (p == null) {
            fail("reply to unknown request " + ref);
            return;
        }
        if (status != 0) {
            // the peer could not do it: its leg now differs here
            settleLost(p);
            fail("peer reported an I/O error at offset " + p.offset());
            return;
        }
        byte[] rest = new byte[b.remaining()];
        b.get(rest);
        p.future().complete(rest);
    }

    /**
     * The age of the oldest unanswered request, 0 when none (checked by the link's ping thread instead of a timer
     * per request: one scan a few times a second, nothing scheduled and cancelled per write).
     */
    long oldestPendingNanos() {
        long now = System.nanoTime();
        long oldest = 0;
        for (Pending p : pending.values()) {
            oldest = Math.max(oldest, now - p.sentNanos());
        }
        return oldest;
    }

    /**
     * Marks the regions of every request not answered yet dirty (forced): a demotion that stops waiting for them
     * clears the activity log, and they must not be forgotten if this node then stops before the link fails.
     */
    int markUnansweredDirty() {
        int n = 0;
        for (Pending p : pending.values()) {
            if (p.length() > 0) {
                volume.markDirtyQuietly(p.offset(), p.length());
                n++;
            }
        }
        return n;
    }

    private void settleLost(Pending p) {
        if (p.length() > 0) {
            volume.markDirtyQuietly(p.offset(), p.length());
        }
        p.future().completeExceptionally(new PeerLostException(failReason == null ? "peer lost" : failReason));
    }

    void fail(String reason) {
        if (failed.get()) {
            return;
        }
        // before anything can see this link failed: a writer whose ack is lost must find the suspension in force
        volume.linkFailing(this, reason);
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        failReason = reason;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Long seq : pending.keySet()) {
            Pending p = pending.remove(seq);
            if (p != null) {
                settleLost(p);
            }
        }
        volume.linkDown(this, reason);
    }
}
