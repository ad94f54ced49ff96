package org.duplex.failover.executor;

import java.util.Optional;

import org.duplex.api.agent.ResourceAgent;

/** Finds the agent for a resource type (backed by the OSGi service registry in production). */
@FunctionalInterface
public interface AgentRegistry {

    Optional<ResourceAgent> agent(String type);
}
