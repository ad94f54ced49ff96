package org.duplex.api.agent;

import java.time.Duration;
import java.util.List;

import org.duplex.api.model.Resource;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Manages one type of resource on the local node. Registered as an OSGi service with the property
 * {@value #TYPE_PROPERTY} set to {@link #type()}.
 *
 * <p>Every operation gets an explicit timeout and must return within it (or be interrupted by the executor,
 * which then treats the result as {@link OcfStatus#TIMEOUT}). Operations must be idempotent: starting a running
 * resource and stopping a stopped one succeed.
 */
@ConsumerType
public interface ResourceAgent {

    /** Service property that carries the agent type. */
    String TYPE_PROPERTY = "duplex.agent.type";

    /** The resource type this agent manages ("vip", "process", "filesystem"...). */
    String type();

    /**
     * Checks the parameters without touching the system.
     *
     * @return problems, each naming the parameter and what is wrong; empty when valid
     */
    List<String> validate(Resource resource, Duration timeout) throws InterruptedException;

    OperationResult start(Resource resource, Duration timeout) throws InterruptedException;

    OperationResult stop(Resource resource, Duration timeout) throws InterruptedException;

    /** {@link OcfStatus#SUCCESS} when running, {@link OcfStatus#NOT_RUNNING} when cleanly stopped, else an error. */
    OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException;
}
