package org.duplex.cluster.config;

import java.util.Map;

/** A resource: its agent type and the agent's parameters (validated by the agent, not here). */
public record ResourceConfig(String id, String type, Map<String, String> params) {
    public ResourceConfig {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
