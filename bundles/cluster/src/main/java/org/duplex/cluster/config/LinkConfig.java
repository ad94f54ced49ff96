package org.duplex.cluster.config;

import java.util.Map;

import org.duplex.api.liveness.LinkKind;

/** A heartbeat link (udp/tcp/serial/disk) with its parameters, for the heartbeat bundle. */
public record LinkConfig(String id, LinkKind kind, Map<String, String> params) {
    public LinkConfig {
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
