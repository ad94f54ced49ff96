package org.duplex.failover.service;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.failover.FailoverConfigStore;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;

/** What the shell commands (and later ha:status) use; provided by {@link FailoverComponent}. */
public interface FailoverService {

    FailoverConfigStore store();

    Plan plan();

    FailoverController.Simulation simulate(Optional<NodeId> failedNode);

    FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target) throws IOException;

    int cleanup(ResourceId resource);

    List<History.Entry> history(Optional<ResourceId> group);

    Map<NodeId, Map<ResourceId, ResourceState>> states();

    List<Failure> failures();

    Optional<ResourceAgent> agent(String type);

    /** Asks for a decision round soon (after a configuration change). */
    void trigger();
}
