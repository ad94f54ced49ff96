package org.duplex.cluster.core;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;

/** What cluster nodes tell each other. Each message names the view it belongs to; other views' are ignored. */
public sealed interface ClusterMessage {

    NodeId from();

    String viewId();

    /** Sent by every member on a view change (and repeated until a term is accepted). */
    record Hello(NodeId from, String viewId, long epoch, ClusterConfig config, boolean waitingForAll)
            implements ClusterMessage {
    }

    /** The coordinator opens a term: new fencing epoch, the configuration every member must adopt. */
    record NewTerm(NodeId from, String viewId, long epoch, ClusterConfig config) implements ClusterMessage {
    }

    /** A member persisted the term's epoch. The term is established once every member acknowledged. */
    record TermAck(NodeId from, String viewId, long epoch) implements ClusterMessage {
    }

    /** A configuration change accepted by the coordinator in the current term. */
    record ConfigCommit(NodeId from, String viewId, long epoch, ClusterConfig config) implements ClusterMessage {
    }

    /** A member asks the coordinator to apply a change prepared on top of {@code baseVersion}. */
    record ConfigProposal(NodeId from, String viewId, long baseVersion, ClusterConfig config)
            implements ClusterMessage {
    }
}
