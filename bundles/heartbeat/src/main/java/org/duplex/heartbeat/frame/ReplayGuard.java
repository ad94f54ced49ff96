package org.duplex.heartbeat.frame;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stateful half of frame acceptance: per sender, the newest incarnation seen, and per (sender, stream) the highest
 * sequence accepted in it. A frame with an older incarnation, or a sequence not above the last one, is refused.
 * Only call it for frames whose HMAC verified, or a forger could poison the state.
 */
public final class ReplayGuard {

    private final Map<String, Sender> senders = new HashMap<>();
    private final int maxSenders;

    public ReplayGuard(int maxSenders) {
        this.maxSenders = maxSenders;
    }

    private static final class Sender {
        long incarnation;
        final Map<String, Long> lastSequence = new HashMap<>();
    }

    /** Empty when the frame is fresh (and records it); otherwise why it is refused. */
    public synchronized Optional<DecodeResult.Rejected> check(Frame f) {
        Sender s = senders.get(f.sender());
        if (s == null) {
            if (senders.size() >= maxSenders) {
                return Optional.of(DecodeResult.reject(RejectReason.UNKNOWN_SENDER, "too many senders"));
            }
            s = new Sender();
            s.incarnation = f.incarnation();
            senders.put(f.sender(), s);
        }
        if (f.incarnation() < s.incarnation) {
            return Optional.of(DecodeResult.reject(RejectReason.OLD_INCARNATION,
                    "incarnation " + f.incarnation() + " < " + s.incarnation + " of " + f.sender()));
        }
        if (f.incarnation() > s.incarnation) {
            s.incarnation = f.incarnation();
            s.lastSequence.clear();
        }
        Long last = s.lastSequence.get(f.stream());
        if (last != null && f.sequence() <= last) {
            return Optional.of(DecodeResult.reject(RejectReason.REPLAY,
                    "sequence " + f.sequence() + " <= " + last + " of " + f.sender() + "/" + f.stream()));
        }
        if (last == null && s.lastSequence.size() >= 64) {
            return Optional.of(DecodeResult.reject(RejectReason.MALFORMED, "too many streams from " + f.sender()));
        }
        s.lastSequence.put(f.stream(), f.sequence());
        return Optional.empty();
    }
}
