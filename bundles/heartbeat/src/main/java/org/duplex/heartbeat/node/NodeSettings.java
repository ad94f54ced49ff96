package org.duplex.heartbeat.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.NodeId;

/**
 * The node-wide heartbeat configuration (PID {@code org.duplex.heartbeat}).
 *
 * @param self         this node's id
 * @param cluster      the cluster name written into every frame
 * @param keyFile      the 32-byte cluster key (ha:keygen), mode 0600
 * @param initialDead  after start, how long a peer never heard is UNKNOWN rather than DEAD
 * @param peers        peers listed even before any link names them
 * @param incarnation  this run's incarnation, above every earlier one
 * @param watchedPaths file systems whose usage goes into the status payload
 * @param tick         how often the detector re-evaluates (a quarter of the shortest interval or less)
 */
public record NodeSettings(NodeId self, String cluster, Path keyFile, Duration initialDead, Set<NodeId> peers,
        long incarnation, List<Path> watchedPaths, Duration tick) {

    public NodeSettings {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(initialDead, "initialDead");
        peers = Set.copyOf(peers);
        watchedPaths = List.copyOf(watchedPaths);
        Objects.requireNonNull(tick, "tick");
    }
}
