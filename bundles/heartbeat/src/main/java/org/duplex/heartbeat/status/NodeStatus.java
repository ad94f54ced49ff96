package org.duplex.heartbeat.status;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

import org.duplex.api.liveness.LinkState;

/**
 * What a node tells its peers about itself in every heartbeat.
 *
 * @param load1             one-minute load average, negative when unknown
 * @param memoryUsedPercent 0-100, negative when unknown
 * @param diskUsedPercent   0-100 of the fullest watched file system, negative when unknown
 * @param links             the sender's view of its own (link/peer) states; only sent in full status
 */
public record NodeStatus(double load1, int memoryUsedPercent, int diskUsedPercent,
        Map<String, LinkState> links) {

    public NodeStatus {
        // sorted, so that the entries that fit a frame are always the same ones
        links = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(links, "links")));
    }

    public static final NodeStatus UNKNOWN = new NodeStatus(-1, -1, -1, Map.of());

    public NodeStatus compact() {
        return new NodeStatus(load1, memoryUsedPercent, diskUsedPercent, Map.of());
    }
}
