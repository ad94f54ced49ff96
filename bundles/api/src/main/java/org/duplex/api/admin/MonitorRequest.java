package org.duplex.api.admin;

import java.util.Map;

/**
 * {@code ha:monitor-add NAME TYPE key=value...} as a value.
 *
 * @param name     the binding's name
 * @param type     the monitor type
 * @param settings {@code on}, {@code target}, optional {@code interval}, {@code timeout}, {@code count},
 *                 {@code on-fail}, and the monitor's own parameters
 * @param replace  replace a binding of that name
 */
public record MonitorRequest(String name, String type, Map<String, String> settings, boolean replace) {

    public MonitorRequest {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }
}
