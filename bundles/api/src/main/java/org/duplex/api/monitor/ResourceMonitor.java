package org.duplex.api.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A read-only health check of one kind ("ping", "postgresql", "http"...). Plug-ins register monitors as OSGi
 * services with the property {@value #TYPE_PROPERTY} set to {@link #type()}; the monitor bundle runs them and
 * the failover engine treats an {@link Health#UNHEALTHY} result like a failed resource monitor.
 */
@ConsumerType
public interface ResourceMonitor {

    /** Service property that carries the monitor type. */
    String TYPE_PROPERTY = "duplex.monitor.type";

    String type();

    /** Problems with the parameters, each naming the parameter; empty when valid. */
    List<String> validate(Map<String, String> params);

    /**
     * Runs one check. Must return within {@code timeout}; a check that cannot decide returns
     * {@link Health#UNKNOWN} with the reason rather than throwing.
     */
    HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException;
}
