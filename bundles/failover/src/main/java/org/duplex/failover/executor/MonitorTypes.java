package org.duplex.failover.executor;

import java.util.Optional;

import org.duplex.api.monitor.ResourceMonitor;

/**
 * Finds the {@link ResourceMonitor} of a type (backed by the OSGi services with
 * {@value ResourceMonitor#TYPE_PROPERTY} in production). Empty: no such type registered on this node.
 */
@FunctionalInterface
public interface MonitorTypes {

    MonitorTypes NONE = type -> Optional.empty();

    Optional<ResourceMonitor> monitor(String type);
}
