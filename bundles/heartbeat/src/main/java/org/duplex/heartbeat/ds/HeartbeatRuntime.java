package org.duplex.heartbeat.ds;

import java.util.List;

import org.duplex.api.liveness.PeerStatus;
import org.duplex.heartbeat.detect.LinkStats;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.node.HeartbeatNode;
import org.duplex.heartbeat.node.NodeSettings;

/** The running heartbeat, as the link components and shell commands of this bundle see it (not exported). */
public interface HeartbeatRuntime {

    NodeSettings settings();

    /** Adds or replaces the link; {@code owner} identifies the configuration so two cannot claim one name. */
    void addLink(Object owner, LinkConfig config);

    void removeLink(Object owner, String name);

    List<HeartbeatNode.LinkView> links();

    List<LinkStats> stats();

    List<PeerStatus> peers();

    RejectionCounters rejections();
}
