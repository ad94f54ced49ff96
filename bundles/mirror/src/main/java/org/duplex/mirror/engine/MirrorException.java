package org.duplex.mirror.engine;

/** An operator-level refusal or failure, with a message that says what to do. */
public class MirrorException extends Exception {
    private static final long serialVersionUID = 1L;

    public MirrorException(String message) {
        super(message);
    }

    public MirrorException(String message, Throwable cause) {
        super(message, cause);
    }
}
