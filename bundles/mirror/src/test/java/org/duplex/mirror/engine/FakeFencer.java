package org.duplex.mirror.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A controllable fencing path for tests: UNREACHABLE (the default, like no path at all), HOLD (the request hangs
 * until released or the attempt times out), DELIVER (the peer volume's outdateByPeer, in process).
 */
final class FakeFencer implements PeerFencer {
    enum Mode { UNREACHABLE, HOLD, DELIVER, DELEGATE }

    private final Supplier<MirrorVolume> peer;
    private volatile Mode mode = Mode.UNREACHABLE;
    private volatile PeerFencer delegate;
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();

    FakeFencer(Supplier<MirrorVolume> peer) {
        this.peer = peer;
    }

    FakeFencer mode(Mode m) {
        synchronized (this) {
            mode = m;
            notifyAll();
        }
        return this;
    }

    /** Sends the requests over a real fencing path. */
    FakeFencer delegateTo(PeerFencer f) {
        delegate = f;
        return mode(Mode.DELEGATE);
    }

    @Override
    public Result outdatePeer(OutdateRequest request, Duration timeout) throws InterruptedException {
        attempts.incrementAndGet();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (mode == Mode.HOLD) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Result.notConfirmed("held by the test");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        if (mode == Mode.UNREACHABLE) {
            return Result.unreachable("cut by the test");
        }
        if (mode == Mode.DELEGATE) {
            Result r = delegate.outdatePeer(request, timeout);
            if (r.outcome() == Outcome.OUTDATED) {
                delivered.incrementAndGet();
            }
            return r;
        }
        MirrorVolume v = peer.get();
        if (v == null) {
            return Result.unreachable("peer volume closed");
        }
        delivered.incrementAndGet();
        return v.outdateByPeer(request);
    }
}
