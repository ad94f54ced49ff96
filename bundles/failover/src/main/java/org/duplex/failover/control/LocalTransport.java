package org.duplex.failover.control;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.duplex.api.model.NodeId;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;

/** Delivers operations to executors in this JVM (the local node; several nodes in tests). */
public final class LocalTransport implements ActionTransport {

    private final Map<NodeId, Executor> executors;

    public LocalTransport(Map<NodeId, Executor> executors) {
        this.executors = Map.copyOf(executors);
    }

    @Override
    public CompletableFuture<Report> send(NodeId node, Operation op) {
        Executor e = executors.get(node);
        if (e == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no route to the executor of " + node
                    + " (remote execution needs the cluster transport)"));
        }
        return e.probe(op); // a probe may be answered from the executor's record; anything else is submitted
    }
}
