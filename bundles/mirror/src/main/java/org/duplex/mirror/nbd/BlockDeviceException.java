package org.duplex.mirror.nbd;

import java.io.IOException;

/** An I/O refusal with the errno the NBD client should see (EPERM for a secondary, ENOSPC, ...). */
public class BlockDeviceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public BlockDeviceException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
