package org.duplex.cluster.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.core.ProposeResult;

/** A coordinator in a quorate partition, or not, applying changes as the core does (no network). */
final class ScriptedCluster implements ReplicatedConfig {
    ClusterConfig config = ClusterConfig.initial("c", List.of(NodeConfig.member("n1"), NodeConfig.member("n2")));
    boolean quorate = true;
    final List<Long> proposedOn = new ArrayList<>();
    final List<Consumer<ClusterConfig>> listeners = new ArrayList<>();

    @Override
    public ClusterConfig config() {
        return config;
    }

    @Override
    public ProposeResult propose(ClusterConfig candidate, long baseVersion) {
        proposedOn.add(baseVersion);
        if (!quorate) {
            return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: no quorum");
        }
        if (baseVersion != config.version()) {
            return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: stale base");
        }
        set(candidate.stamped(config.version() + 1, 1));
        return new ProposeResult(ProposeResult.Status.APPLIED, config.version(), "applied");
    }

    void set(ClusterConfig c) {
        config = c;
        listeners.forEach(l -> l.accept(c));
    }

    @Override
    public AutoCloseable addConfigListener(Consumer<ClusterConfig> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
