package org.duplex.cluster.sim;

import java.util.ArrayList;
import java.util.List;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.tiebreaker.DiskLeaseTiebreaker;

/** One simulated node: its process (core, may be down or frozen) and its disk (stores survive a restart). */
final class SimNode {
    final NodeId id;
    final int index;
    final EpochStore.InMemory epochStore = new EpochStore.InMemory();
    final ConfigStore.InMemory configStore = new ConfigStore.InMemory();
    ClusterCore core;
    DiskLeaseTiebreaker lease;
    boolean running = true;
    boolean diskUp = true;
    /** The tiebreaker weight the failover bundle would report (groups active here); random and changing. */
    int weight;
    long frozenUntilStep = -1;
    /** A node fenced while healing is powered on again at this step (-1: not scheduled). */
    long restartAtStep = -1;
    MembershipView pendingView;
    long pendingViewAtStep;
    final List<Envelope> inbox = new ArrayList<>();
    // what the invariant checker has seen of this node (survives restarts: it is about the node's disk)
    long lastEpoch;
    long lastConfigVersion;
    long lastConfigEpoch;

    record Envelope(long deliverAtStep, ClusterMessage message) {
    }

    SimNode(NodeId id, int index) {
        this.id = id;
        this.index = index;
    }

    boolean frozen(long step) {
        return step < frozenUntilStep;
    }

    boolean active(long step) {
        return running && !frozen(step);
    }
}
