package org.duplex.plugin.vmware;

/**
 * A vSphere call that did not succeed, with what kind of failure it was so that callers can answer precisely
 * (wrong credentials are not an unreachable endpoint). Messages never contain the password.
 */
public final class VimException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The endpoint refused the user name or password (InvalidLogin). */
        LOGIN_FAILED,
        /** The session is not (or no longer) logged in (NotAuthenticated): the client logs in again once. */
        NOT_AUTHENTICATED,
        /** The inventory path or object does not exist. */
        NOT_FOUND,
        /** TLS failed: certificate thumbprint mismatch, untrusted certificate, handshake error. */
        TLS,
        /** Nothing answered: connection refused, no route, unknown host. */
        UNREACHABLE,
        /** No answer within the operation's timeout. */
        TIMEOUT,
        /** The endpoint answered with a SOAP fault (or a failed task). */
        FAULT,
        /** The answer was not what vim25 promises (not XML, HTTP error without a fault). */
        PROTOCOL,
        /** The configuration cannot be used (password file refused, bad URL). */
        CONFIG
    }

    private final Kind kind;
    private final String faultType;

    public VimException(Kind kind, String message) {
        this(kind, "", message, null);
    }

    public VimException(Kind kind, String faultType, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.faultType = faultType == null ? "" : faultType;
    }

    public Kind kind() {
        return kind;
    }

    /** The vim25 fault type ("InvalidPowerState", "InvalidLogin"), empty when there was no fault. */
    public String faultType() {
        return faultType;
    }
}
