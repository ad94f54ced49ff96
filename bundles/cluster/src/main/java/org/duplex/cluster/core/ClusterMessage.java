package org.duplex.cluster.core;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;

/** What cluster nodes tell each other. Each message names the view it belongs to; other views' are ignored. */
public sealed interface ClusterMessage {

    NodeId from();

    String viewId();

    /**
     * Sent by every member on a view change (and repeated until a term is accepted).
     *
     * @param proto the sender's cluster protocol level (0 from builds before levels: level 1)
     * @param build the sender's Duplex version (null from builds before levels)
     */
    record Hello(NodeId from, String viewId, long epoch, ClusterConfig config, boolean waitingForAll, int proto,
                 String build) implements ClusterMessage {

        @com.fasterxml.jackson.annotation.JsonCreator
        public Hello {
        }

        /** A Hello from a node of this build's protocol version. */
        public Hello(NodeId from, String viewId, long epoch, ClusterConfig config, boolean waitingForAll) {
            this(from, viewId, epoch, config, waitingForAll,
                    org.duplex.cluster.protocol.ProtocolVersion.CURRENT.level(),
                    org.duplex.cluster.protocol.ProtocolVersion.CURRENT.build());
        }

        /** The sender's protocol version. */
        public org.duplex.cluster.protocol.ProtocolVersion version() {
            return org.duplex.cluster.protocol.ProtocolVersion.ofHello(proto, build);
        }
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
    /**
     * The coordinator's order to one node's executor (unicast). Flat strings on the wire: the receiver turns them
     * into API values and refuses what does not parse.
     *
     * @param requestId the sender's id for matching the report; unique per sender run
     * @param group     empty string when the resource has no group
     * @param configVersion the sender's cluster configuration version: the receiver waits (bounded) until it has
     *                  at least this version, so an order never overtakes the commit that defined its resource
     * @param peer      FOLLOW: the node to follow; empty string otherwise (and from senders before it existed)
     */
    record ExecOrder(NodeId from, String viewId, long requestId, String kind, String resource, String group,
                     long epoch, String reason, long configVersion, String peer) implements ClusterMessage {

        public ExecOrder(NodeId from, String viewId, long requestId, String kind, String resource, String group,
                         long epoch, String reason, long configVersion) {
            this(from, viewId, requestId, kind, resource, group, epoch, reason, configVersion, "");
        }
    }

    /**
     * An executor's report: the answer to an order ({@code requestId > 0}, unicast to the orderer) or a published
     * report ({@code requestId == 0}, to every member). The {@code replica*} fields carry a promotable
     * resource's role and position ({@code replicaRole} empty: none; {@code replicaGeneration} -1: no position).
     */
    record ExecReport(NodeId from, String viewId, long requestId, String resource, String group, String operation,
                      String status, String detail, long elapsedMillis, String state, boolean failure,
                      long atMillis, String replicaRole, long replicaGeneration, long replicaOffset,
                      String replicaUnit, String replicaText, String replicaFollowing, String replicaDetail)
            implements ClusterMessage {

        public ExecReport(NodeId from, String viewId, long requestId, String resource, String group, String operation,
                          String status, String detail, long elapsedMillis, String state, boolean failure,
                          long atMillis) {
            this(from, viewId, requestId, resource, group, operation, status, detail, elapsedMillis, state, failure,
                    atMillis, "", -1, 0, "", "", "", "");
        }
    }

    /**
     * A node's plug-in report (to every member): the plug-in set version it has applied and each plug-in's state.
     * Sent after every reconcile and again when new members join the view.
     */
    record PluginReport(NodeId from, String viewId, long applied, java.util.List<Entry> plugins, long atMillis)
            implements ClusterMessage {

        /** One plug-in: name, status (a PluginState.Status name) and detail. */
        public record Entry(String name, String status, String detail) {
        }
    }

    /** An operator request forwarded to the coordinator (unicast); see OperatorRequest. */
    record OperatorAsk(NodeId from, String viewId, long requestId, String operation, java.util.List<String> arguments,
                       String origin) implements ClusterMessage {
    }

    /** The answer to an {@link OperatorAsk}: its text, or the refusal when {@code ok} is false. */
    record OperatorAnswer(NodeId from, String viewId, long requestId, boolean ok, String text)
            implements ClusterMessage {
    }
}
