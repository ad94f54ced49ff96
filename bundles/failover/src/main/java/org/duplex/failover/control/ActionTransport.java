package org.duplex.failover.control;

import java.util.concurrent.CompletableFuture;

import org.duplex.api.model.NodeId;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;

/**
 * Carries an operation to the executor of a node and its report back. The failover bundle ships the local
 * one ({@link LocalTransport}); reaching other nodes is the cluster messaging's job (to be wired by the cluster
 * bundle: register an implementation that forwards to the peer's executor).
 */
@FunctionalInterface
public interface ActionTransport {

    CompletableFuture<Report> send(NodeId node, Operation op);
}
