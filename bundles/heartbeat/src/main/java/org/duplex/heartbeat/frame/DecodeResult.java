package org.duplex.heartbeat.frame;

import java.util.Objects;

/** What the decoder made of some bytes from the wire: never an exception. */
public sealed interface DecodeResult {

    record Accepted(Frame frame) implements DecodeResult {
        public Accepted {
            Objects.requireNonNull(frame, "frame");
        }
    }

    record Rejected(RejectReason reason, String detail) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    static Rejected reject(RejectReason reason, String detail) {
        return new Rejected(reason, detail);
    }
}
