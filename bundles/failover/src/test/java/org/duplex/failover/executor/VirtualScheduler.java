package org.duplex.failover.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** Virtual time for tests: nothing fires until {@link #advance} moves the clock past it. */
public final class VirtualScheduler implements Scheduler {

    private record Task(Instant at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at.equals(b.at)
            ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));
    private Instant now = Instant.parse("2026-01-01T12:00:00Z");
    private long seq;

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(now.plus(delay), seq++, task, cancelled));
        return () -> {
            synchronized (VirtualScheduler.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Runs, in time order, every task due up to now + d (tasks scheduled meanwhile included). */
    public void advance(Duration d) {
        Instant until;
        synchronized (this) {
            until = now.plus(d);
        }
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.at.isAfter(until)) {
                    now = until;
                    return;
                }
                queue.poll();
                now = t.at;
                if (t.cancelled[0]) {
                    continue;
                }
            }
            t.run.run();
        }
    }

    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled[0]).count();
    }
}
