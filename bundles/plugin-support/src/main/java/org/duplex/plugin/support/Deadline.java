package org.duplex.plugin.support;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The time one check may take. A check must return within its timeout, so the deadline keeps a small margin
 * (a tenth of the timeout, at most 200 ms) for building the result.
 *
 * <p>{@link #call} runs a blocking step on its own daemon thread: a {@code statfs} or a write on a hung NFS
 * server, or a read of {@code /proc/PID/cmdline} of a process stuck in the kernel, cannot be interrupted, so the
 * check gives up waiting and leaves that thread behind rather than hang with it.
 */
public final class Deadline {

    private static final long MAX_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final long startNanos;
    private final long budgetNanos;

    private Deadline(long startNanos, long budgetNanos) {
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos;
    }

    public static Deadline within(Duration timeout) {
        long t = Math.max(1, timeout.toNanos());
        return new Deadline(System.nanoTime(), t - Math.min(t / 10, MAX_MARGIN_NANOS));
    }

    /** What the work may use, margin taken off. */
    public Duration budget() {
        return Duration.ofNanos(budgetNanos);
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, budgetNanos - (System.nanoTime() - startNanos)));
    }

    public boolean passed() {
        return remaining().isZero();
    }

    /** "1800 ms", the budget as reasons say it. */
    public String budgetText() {
        return budget().toMillis() + " ms";
    }

    /**
     * Runs {@code work} on a daemon thread and waits for it until the deadline.
     *
     * @throws TimeoutException when it did not finish in time (the thread is interrupted and abandoned)
     * @throws IOException      what the work threw (other checked exceptions wrapped in one)
     */
    public <T> T call(String threadName, Callable<T> work)
            throws IOException, TimeoutException, InterruptedException {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, threadName);
        t.setDaemon(true);
        t.start();
        try {
            return task.get(remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            t.interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
