package org.duplex.cluster.runtime;

import java.util.List;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.quorum.NoQuorumPolicy;

/** What the ha: commands need from the running node (bundle-internal service). */
public interface ClusterAdmin {

    QuorumState state();

    ClusterConfig config();

    /** Proposes a validated configuration; the coordinator stamps the version. */
    ProposeResult propose(ClusterConfig candidate);

    /** The plug-in set and the nodes' plug-in reports of the running node. */
    default org.duplex.cluster.plugin.ReplicatedPlugins plugins() {
        throw new IllegalStateException("the cluster node is not running");
    }

    /** The heartbeat bundle's view of the peers, empty when it is not running. */
    List<PeerStatus> heartbeat();

    NoQuorumPolicy noQuorumPolicy();

    String tiebreaker();

    /** Who holds the tiebreaker now (the disk lease holder and weights); empty when the tiebreaker has no state. */
    default String tiebreakerStatus() {
        return "";
    }

    /** Membership views installed since the node started (for the metrics). */
    default long viewChanges() {
        return 0;
    }

    /** This node's cluster protocol version. */
    default org.duplex.cluster.protocol.ProtocolVersion protocol() {
        return org.duplex.cluster.protocol.ProtocolVersion.CURRENT;
    }

    /** The protocol version of every member of the current view that said hello (this node included). */
    default java.util.Map<org.duplex.api.model.NodeId, org.duplex.cluster.protocol.ProtocolVersion> memberVersions() {
        return java.util.Map.of(state().localNode(), protocol());
    }

    /** Members standing aside: their build is too old for the cluster's configuration. */
    default java.util.Set<org.duplex.api.model.NodeId> standingAside() {
        return java.util.Set.of();
    }

    /** What other bundles add to ha:status, in any order; empty when none is registered. */
    default List<org.duplex.api.status.StatusSection> statusSections() {
        return List.of();
    }
}
