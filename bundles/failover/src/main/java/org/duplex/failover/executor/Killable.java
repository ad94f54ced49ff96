package org.duplex.failover.executor;

import java.time.Duration;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.Resource;

/**
 * An agent that can force a resource down when its stop failed or timed out (SIGKILL the processes, kill the
 * users of a mount). The executor calls it before declaring the resource blocked.
 */
public interface Killable {

    OperationResult kill(Resource resource, Duration timeout) throws InterruptedException;
}
