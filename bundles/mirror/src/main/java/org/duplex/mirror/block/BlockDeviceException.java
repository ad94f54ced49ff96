package org.duplex.mirror.block;

import java.io.IOException;
import java.util.Objects;

/** A refusal of a block device request, with the front-end neutral reason the client should see. */
public class BlockDeviceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final BlockError error;

    public BlockDeviceException(BlockError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public BlockError error() {
        return error;
    }
}
