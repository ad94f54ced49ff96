package org.duplex.mirror.iscsi.pdu;

import java.io.IOException;

/**
 * A PDU that cannot be accepted. {@link #dropConnection()} is true when the stream can no longer be framed (bad
 * header digest, length beyond any limit): the connection must be closed. Otherwise the PDU was read completely and
 * {@link #rejectReason()} is the Reject PDU's reason code; {@link #header()} is the offending header (for the
 * Reject's data segment).
 */
public final class PduException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Pdu header;
    private final int rejectReason;
    private final boolean dropConnection;

    private PduException(String message, Pdu header, int rejectReason, boolean dropConnection) {
        super(message);
        this.header = header;
        this.rejectReason = rejectReason;
        this.dropConnection = dropConnection;
    }

    public static PduException reject(int reason, Pdu header, String message) {
        return new PduException(message, header, reason, false);
    }

    public static PduException drop(String message) {
        return new PduException(message, null, 0, true);
    }

    /** A Reject is sent (when the header is known) and then the connection is closed. */
    public static PduException rejectAndDrop(int reason, Pdu header, String message) {
        return new PduException(message, header, reason, true);
    }

    public Pdu header() {
        return header;
    }

    public int rejectReason() {
        return rejectReason;
    }

    public boolean dropConnection() {
        return dropConnection;
    }
}
