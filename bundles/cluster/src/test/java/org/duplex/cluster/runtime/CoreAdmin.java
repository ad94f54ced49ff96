package org.duplex.cluster.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.protocol.ProtocolVersion;
import org.duplex.cluster.quorum.NoQuorumPolicy;

/**
 * What the ha: commands see of a running node, over one {@link ClusterCore} as the cluster component wires it
 * (no heartbeat, tiebreaker "none"). Tests override what they need to watch or vary.
 */
public class CoreAdmin implements ClusterAdmin {

    protected final ClusterCore core;

    public CoreAdmin(ClusterCore core) {
        this.core = core;
    }

    @Override
    public QuorumState state() {
        return core.state();
    }

    @Override
    public ClusterConfig config() {
        return core.config();
    }

    @Override
    public ProposeResult propose(ClusterConfig candidate) {
        return core.propose(candidate);
    }

    @Override
    public List<PeerStatus> heartbeat() {
        return List.of();
    }

    @Override
    public NoQuorumPolicy noQuorumPolicy() {
        return NoQuorumPolicy.STOP;
    }

    @Override
    public String tiebreaker() {
        return "none";
    }

    @Override
    public long viewChanges() {
        return core.viewChanges();
    }

    @Override
    public ProtocolVersion protocol() {
        return core.protocol();
    }

    @Override
    public Map<NodeId, ProtocolVersion> memberVersions() {
        return core.memberVersions();
    }

    @Override
    public Set<NodeId> standingAside() {
        return core.standingAside();
    }
}
