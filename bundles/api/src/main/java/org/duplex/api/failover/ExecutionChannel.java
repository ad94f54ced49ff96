package org.duplex.api.failover;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.duplex.api.model.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Carries the coordinator's orders to other nodes' executors and every executor's reports back. Provided by the
 * cluster bundle over its messaging; the failover bundle uses it when present (without it, a node can only
 * act on itself).
 */
@ProviderType
public interface ExecutionChannel {

    /** Sends an order to {@code node}'s executor; completes with its report, or exceptionally if unreachable. */
    CompletableFuture<ResourceReport> send(NodeId node, ResourceCommand command);

    /** This node's executor answers orders from peers; returns a handle that stops serving. */
    AutoCloseable serve(Function<ResourceCommand, CompletableFuture<ResourceReport>> executor);

    /** Tells every member about a local report (monitor failures, results), so the coordinator learns it. */
    void publish(ResourceReport report);

    /** Receives reports published by other nodes; returns a handle that removes the listener. */
    AutoCloseable onReport(Consumer<ResourceReport> listener);

    /**
     * Asks {@code node} (the coordinator) to carry out an operator request with the handler it serves; completes
     * with the handler's answer text, or exceptionally with its refusal (the message says why), when the node is
     * unreachable or leaves the view, or after {@code timeout}.
     *
     * @since 1.3
     */
    default CompletableFuture<String> request(NodeId node, OperatorRequest request, java.time.Duration timeout) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this execution channel cannot forward operator requests"));
    }

    /**
     * Serves operator requests from other nodes: {@code handler} returns the answer text or throws (its message is
     * the refusal). Runs off the messaging thread. Returns a handle that stops serving.
     *
     * @since 1.3
     */
    default AutoCloseable serveRequests(Function<OperatorRequest, String> handler) {
        return () -> { };
    }
}
