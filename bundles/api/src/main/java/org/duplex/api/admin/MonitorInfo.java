package org.duplex.api.admin;

import java.util.Map;

/**
 * A monitor bound into failover ({@code ha:monitor-show}).
 *
 * @param name          the binding's name
 * @param type          the monitor type
 * @param on            {@code resource} (the target resource fails) or {@code node} (the node is not eligible for
 *                      the target group)
 * @param target        the resource or group
 * @param settings      the binding as {@code ha:monitor-add} takes it: interval, timeout, count, on-fail and the
 *                      monitor's own parameters, as key=value text
 * @param typeInstalled whether this node has a monitor of the type (without it the binding causes no failover)
 * @param meaning       what a failure does, in words
 * @param results       node to its latest result
 */
public record MonitorInfo(String name, String type, String on, String target, Map<String, String> settings,
                          boolean typeInstalled, String meaning, Map<String, MonitorResult> results) {

    public MonitorInfo {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        results = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(results));
    }
}
