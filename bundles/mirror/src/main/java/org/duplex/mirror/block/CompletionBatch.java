package org.duplex.mirror.block;

import java.io.Flushable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets a thread that completes many front-end requests in a row (a replication link's receive thread, turning a
 * batch of peer acks into NBD replies) send those replies with one flush per session and batch instead of one system
 * call per reply. Only a thread that {@link #begin() began} a batch defers; it must {@link #flush()} before it blocks
 * and {@link #end()} when it stops, so no reply waits longer than the batch that produced it.
 */
public final class CompletionBatch {
    private static final ThreadLocal<CompletionBatch> CURRENT = new ThreadLocal<>();
    private final List<Flushable> pending = new ArrayList<>();

    private CompletionBatch() {
    }

    /** Starts deferring reply flushes on this thread. */
    public static CompletionBatch begin() {
        CompletionBatch b = new CompletionBatch();
        CURRENT.set(b);
        return b;
    }

    /** Defers {@code f} to this thread's batch; false (the caller flushes now) when the thread has none. */
    public static boolean defer(Flushable f) {
        CompletionBatch b = CURRENT.get();
        if (b == null) {
            return false;
        }
        for (Flushable p : b.pending) {
            if (p == f) {
                return true;
            }
        }
        b.pending.add(f);
        return true;
    }

    /** Flushes every session with deferred replies (a failed flush is the session's own to notice). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        for (Flushable f : pending) {
            try {
                f.flush();
            } catch (IOException ignored) {
                // the session marks itself broken when its own flush fails
            }
        }
        pending.clear();
    }

    /** Flushes and stops deferring on this thread. */
    public void end() {
        flush();
        CURRENT.remove();
    }
}
