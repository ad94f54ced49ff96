package org.duplex.cluster.config;

import java.util.Map;

/**
 * A monitor binding of the failover configuration: a ResourceMonitor type run with {@code params} whose failure
 * means the {@code target} resource failed ({@code on = resource}) or the node is not eligible for the
 * {@code target} group ({@code on = node}). The failover bundle's reserved keys {@code interval}, {@code timeout}
 * and {@code count} live in {@code params}, as a resource's timeouts do (absent: 10s, 5s, 3).
 */
public record MonitorConfig(String id, String type, String on, String target, Map<String, String> params) {
    public MonitorConfig {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
