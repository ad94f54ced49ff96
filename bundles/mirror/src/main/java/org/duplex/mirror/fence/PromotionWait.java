package org.duplex.mirror.fence;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A promotion asked while a primary peer is still connected: is that peer alive (refuse), or frozen (SIGSTOP, a hung
 * VM: its kernel keeps the connection open, nothing arrives) and about to be dropped by the link's silence check?
 * The caller polls {@link #peerAnsweredOrGaveUp} with how long the link's receiver has been waiting for the peer's
 * next byte: a read that began after the wait began means the peer sent something meanwhile (alive); the wait ends
 * anyway after the silence limit plus the link watchdog's tick, by when a frozen peer's link has been dropped.
 */
public final class PromotionWait {
    public static final long POLL_MS = 10;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MS);
    /** The link watchdog checks the silence every tenth of the limit, at most every 100 ms. */
    private static final long WATCHDOG_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final long start = System.nanoTime();
    private final long limitNanos;

    /** @param silenceLimit how long a silent peer stays connected before its link is dropped */
    public PromotionWait(Duration silenceLimit) {
        this.limitNanos = silenceLimit.toNanos() + WATCHDOG_MARGIN_NANOS;
    }

    /**
     * @param receiverBlockedNanos how long the link's current read has been waiting (0: busy with a frame)
     * @return true to stop waiting: the peer sent something since the wait began, or the limit passed
     */
    public boolean peerAnsweredOrGaveUp(long receiverBlockedNanos) {
        long waited = System.nanoTime() - start;
        return waited >= limitNanos || receiverBlockedNanos + POLL_NANOS < waited;
    }

    public long waitedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The refusal when the peer is primary and alive. */
    public static String peerIsPrimary(String volume, long heardMs) {
        return "cannot promote " + volume + ": the peer is primary and connected"
                + (heardMs >= 0 ? " (it sent data " + heardMs + " ms ago: it is running, not frozen)" : "")
                + "; demote it first (ha:mirror-demote " + volume + " on the peer), or stop its node";
    }
}
