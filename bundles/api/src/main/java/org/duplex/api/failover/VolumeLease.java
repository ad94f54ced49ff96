package org.duplex.api.failover;

import java.util.Objects;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;

/** Who holds a volume, under which epoch. */
public record VolumeLease(String volume, NodeId holder, FencingEpoch epoch) {

    public VolumeLease {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(epoch, "epoch");
    }
}
