package org.duplex.mirror.leg;

/**
 * Writes suspended after losing an up-to-date peer (or after a promotion with the peer not connected), until the
 * peer is outdated or the link is back: a write the peer did not confirm is not acknowledged meanwhile. Times are
 * read from the {@link LegCore}'s clock; only the core changes it.
 */
public final class Suspension {
    final long startNanos;
    final long deadlineNanos;
    final String cause;
    /** The driver's link that was lost (opaque to the core), null after a promotion without a link. */
    final Object lost;
    volatile boolean expired;
    volatile String lastAttempt = "outdating the peer";

    Suspension(Object lost, String cause, long startNanos, long timeoutNanos) {
        this.lost = lost;
        this.cause = cause;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + timeoutNanos;
    }

    public Object lost() {
        return lost;
    }

    public String cause() {
        return cause;
    }

    public long startNanos() {
        return startNanos;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    public boolean expired() {
        return expired;
    }

    public boolean timedOut(long nowNanos) {
        return expired || nowNanos - deadlineNanos >= 0;
    }

    public String describe(String volume, long nowNanos) {
        long secs = (nowNanos - startNanos) / 1_000_000_000L;
        return (timedOut(nowNanos) ? "WRITES SUSPENDED (fencing timeout passed, writes fail with EIO)"
                : "writes suspended") + " for " + secs + " s: " + cause
                + ", and the peer is not confirmed Outdated; last attempt: " + lastAttempt
                + ". Way out: " + FenceMessages.wayOut(volume, lost == null);
    }
}
