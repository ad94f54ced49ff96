package org.duplex.plugin.backup.restic;

/** A restic call that failed, with a message an operator can act on (never the password). */
public class ResticException extends Exception {

    private static final long serialVersionUID = 1L;

    public ResticException(String message) {
        super(message);
    }
}
