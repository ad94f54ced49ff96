package org.duplex.api.fence;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A fencing device type provided by a plug-in. Registered as an OSGi service with the property
 * {@value #TYPE_PROPERTY} = {@link #type()}; a fencing device configured with {@code type = } that name
 * ({@code etc/org.duplex.failover.fence-<name>.cfg}) calls it with the device's own parameters (every key but the
 * common {@code name, type, nodes, timeout, retry.interval, level}).
 *
 * <p>{@link #run} must return within its timeout and never throw for a device failure: the outcome says what
 * happened. {@link FenceOperation#OFF} is done only when the node is confirmed off.
 */
@ConsumerType
public interface FenceAgent {

    /** Service property that carries the fencing device type. */
    String TYPE_PROPERTY = "duplex.fence.type";

    /** The device type ("vmware"). */
    String type();

    /** Problems with a device's parameters (for the nodes it lists), each naming the key; empty when valid. */
    List<String> validate(Map<String, String> params, List<NodeId> nodes);

    /** Does {@code operation} to {@code node} within {@code timeout}. */
    FenceOutcome run(FenceOperation operation, NodeId node, Map<String, String> params, Duration timeout)
            throws InterruptedException;

    /** One line for {@code ha:fence-list} naming what the device acts on (never a password). */
    String describeTarget(Map<String, String> params);
}
