package org.duplex.failover.fence.sbd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.duplex.api.model.NodeId;

/** A real SBD area whose reads fail while {@code gone} is set (a pulled cable, a dead path). */
class SbdDiskProxy extends SbdDisk {
    private final AtomicBoolean gone;

    SbdDiskProxy(Path path, AtomicBoolean gone) {
        super(path);
        this.gone = gone;
    }

    @Override
    public synchronized Message read(NodeId node) throws IOException {
        if (gone.get()) {
            throw new IOException("Input/output error");
        }
        return super.read(node);
    }
}
