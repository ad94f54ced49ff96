package org.duplex.plugin.mariadb;

/** A failed talk with the server, with a reason an operator can act on and what kind of failure it was. */
final class DbException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Wrong password, no such user, a refused password file: fix the configuration, not the server. */
        AUTHENTICATION,
        /** The server answered but will not take connections now (shutting down). */
        NOT_ACCEPTING,
        /** Every connection slot is taken (error 1040). */
        TOO_MANY_CONNECTIONS,
        /** Nothing listens there (connection refused). */
        REFUSED,
        /** No answer within the timeout (a hung, stopped or still starting server, a lost network). */
        TIMEOUT,
        /** Anything else (a failed query, a missing privilege). */
        OTHER
    }

    private final Kind kind;

    DbException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
