package org.duplex.api.failover;

/** A volume lock request was refused (held by another node under a newer or equal epoch, stale epoch...). */
public class VolumeLockException extends Exception {

    private static final long serialVersionUID = 1L;

    public VolumeLockException(String message) {
        super(message);
    }
}
