package org.duplex.cluster.tiebreaker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.duplex.api.cluster.NodeFencing;
import org.duplex.api.model.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HolderFencing} over the failover bundle's {@link NodeFencing} service: each fence runs on the given
 * executor (a device may take seconds), the lease polls its state. A failed fence is retried no sooner than
 * {@code retry} after it ended, so a broken device is not hammered every renew interval.
 */
public final class DeviceHolderFencing implements HolderFencing {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceHolderFencing.class);

    private final Supplier<NodeFencing> service;
    private final ExecutorService executor;
    private final LongSupplier clock;
    private final long retryNanos;
    private final Runnable onOutcome;
    private final Map<NodeId, Attempt> attempts = new ConcurrentHashMap<>();

    private record Attempt(long notBefore, Status status, long confirmedAt, long endedAt, String detail) {
    }

    /** @param clock must be {@link System#nanoTime()}: {@link NodeFencing} reports confirmations on it */
    public DeviceHolderFencing(Supplier<NodeFencing> service, ExecutorService executor, LongSupplier clock,
                               Duration retry) {
        this(service, executor, clock, retry, () -> { });
    }

    /** @param onOutcome called after each fence ends (confirmed or failed), so the lease can act on it at once */
    public DeviceHolderFencing(Supplier<NodeFencing> service, ExecutorService executor, LongSupplier clock,
                               Duration retry, Runnable onOutcome) {
        this.service = service;
        this.executor = executor;
        this.clock = clock;
        this.retryNanos = retry.toNanos();
        this.onOutcome = onOutcome;
    }

    @Override
    public void request(NodeId node, long notBeforeNanos, String reason) {
        long now = clock.getAsLong();
        Attempt last = attempts.get(node);
        if (last != null && (last.status() == Status.RUNNING
                || last.status() == Status.CONFIRMED && last.confirmedAt() >= notBeforeNanos
                || last.status() == Status.FAILED && now - last.endedAt() < retryNanos)) {
            return;
        }
        NodeFencing fencing = service.get();
        if (fencing == null || !fencing.covers(node)) {
            attempts.put(node, new Attempt(notBeforeNanos, Status.FAILED, 0, now, fencing == null
                    ? "the failover bundle (fencing devices) is not running"
                    : "no fencing device covers " + node));
            return;
        }
        attempts.put(node, new Attempt(notBeforeNanos, Status.RUNNING, 0, 0, "fencing"));
        try {
            executor.execute(() -> run(fencing, node, notBeforeNanos, reason));
        } catch (RejectedExecutionException e) {
            attempts.put(node, new Attempt(notBeforeNanos, Status.FAILED, 0, now, "shutting down"));
        }
    }

    private void run(NodeFencing fencing, NodeId node, long notBefore, String reason) {
        Attempt done;
        try {
            NodeFencing.Outcome o = fencing.fence(node, notBefore, "disk lease: " + reason);
            done = o.fenced() ? new Attempt(notBefore, Status.CONFIRMED, o.confirmedAtNanos(), clock.getAsLong(),
                    o.detail()) : new Attempt(notBefore, Status.FAILED, 0, clock.getAsLong(), o.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = new Attempt(notBefore, Status.FAILED, 0, clock.getAsLong(), "interrupted");
        } catch (RuntimeException e) {
            LOG.error("Disk lease: fencing {} threw", node, e);
            done = new Attempt(notBefore, Status.FAILED, 0, clock.getAsLong(), e.toString());
        }
        attempts.put(node, done);
        onOutcome.run();
    }

    @Override
    public State state(NodeId node, long notBeforeNanos) {
        Attempt a = attempts.get(node);
        if (a == null) {
            return new State(Status.NONE, "not fenced");
        }
        if (a.status() == Status.CONFIRMED && a.confirmedAt() < notBeforeNanos) {
            return new State(Status.NONE, "last fenced before its latest renewal");
        }
        return new State(a.status(), a.detail());
    }
}
