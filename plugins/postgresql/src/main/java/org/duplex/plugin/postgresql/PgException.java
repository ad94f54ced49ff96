package org.duplex.plugin.postgresql;

/** A failed talk with the server, with a reason an operator can act on and what kind of failure it was. */
final class PgException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Wrong password, no pg_hba.conf entry, bad password file: fix the configuration, not the server. */
        AUTHENTICATION,
        /** The server answered but will not take connections now (starting up, in recovery, shutting down). */
        NOT_ACCEPTING,
        /** All connection slots are taken. */
        TOO_MANY_CONNECTIONS,
        /** Nothing listens there (connection refused). */
        REFUSED,
        /** No answer within the timeout (a hung or stopped server, a lost network). */
        TIMEOUT,
        /** Anything else (a failed query, a missing database). */
        OTHER
    }

    private final Kind kind;

    PgException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
