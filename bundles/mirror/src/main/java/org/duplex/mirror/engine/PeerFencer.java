package org.duplex.mirror.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The second path to the peer node: asks the peer's leg of a volume to persist the Outdated mark, so it refuses
 * promotion until it has been resynced. A disconnected primary calls it before it acknowledges a write the peer
 * does not have. Implementations must return within {@code timeout}.
 */
@FunctionalInterface
public interface PeerFencer {

    /**
     * @param volume       volume name
     * @param primaryEpoch fencing epoch of the requesting primary's promotion (a peer that has seen a newer one
     *                     refuses: the requester is a stale primary)
     */
    record OutdateRequest(String volume, long primaryEpoch) {
        public OutdateRequest {
            Objects.requireNonNull(volume, "volume");
        }
    }

    enum Outcome {
        /** The peer's leg is Outdated (or Inconsistent) on its disk: it cannot be promoted without --force. */
        OUTDATED,
        /** The peer could not be reached at all on this path (nothing was delivered). */
        UNREACHABLE,
        /** The peer answered no (it is primary, or has seen a newer epoch), or the answer was lost. */
        NOT_CONFIRMED
    }

    record Result(Outcome outcome, String detail) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }

        public static Result outdated(String detail) {
            return new Result(Outcome.OUTDATED, detail);
        }

        public static Result unreachable(String detail) {
            return new Result(Outcome.UNREACHABLE, detail);
        }

        public static Result notConfirmed(String detail) {
            return new Result(Outcome.NOT_CONFIRMED, detail);
        }
    }

    Result outdatePeer(OutdateRequest request, Duration timeout) throws InterruptedException;

    /** No second path: every request reports the peer unreachable. */
    PeerFencer NONE = (request, timeout) -> Result.unreachable("no fencing path configured for this volume");
}
