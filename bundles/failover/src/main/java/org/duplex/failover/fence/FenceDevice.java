package org.duplex.failover.fence;

/**
 * A configured fencing device of some type ({@link FenceDeviceTypes}). {@link #run} blocks at most the
 * configured timeout and never throws for a device failure: the result says what happened.
 */
public interface FenceDevice {

    FenceDeviceConfig config();

    FenceResult run(FenceAction action, org.duplex.api.model.NodeId node) throws InterruptedException;

    default String name() {
        return config().name();
    }

    /** One line for ha:fence-list: "command=/usr/local/sbin/fence-node". */
    String describeTarget();
}
