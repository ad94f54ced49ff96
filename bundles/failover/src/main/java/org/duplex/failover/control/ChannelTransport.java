package org.duplex.failover.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.failover.ExecutionChannel;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;
import org.duplex.failover.model.FailoverConfig;

/**
 * Orders for this node go to the local executor, orders for other nodes through the cluster's
 * {@link ExecutionChannel}; {@link #server} is the other half, answering peers' orders with the local executor.
 */
public final class ChannelTransport implements ActionTransport {

    private final NodeId local;
    private final Executor executor;
    private final ExecutionChannel channel;

    public ChannelTransport(NodeId local, Executor executor, ExecutionChannel channel) {
        this.local = local;
        this.executor = executor;
        this.channel = channel;
    }

    @Override
    public CompletableFuture<Report> send(NodeId node, Operation op) {
        if (node.equals(local)) {
            return executor.probe(op);
        }
        ResourceCommand cmd = new ResourceCommand(ResourceCommand.Kind.valueOf(op.kind().name()), op.resource().id(),
                op.group(), op.epoch(), op.reason(), op.peer());
        return channel.send(node, cmd).thenApply(ChannelTransport::fromApi);
    }

    /** Answers a peer's order with the local executor, the resource taken from this node's configuration. */
    public static Function<ResourceCommand, CompletableFuture<ResourceReport>> server(NodeId local, Executor executor,
                                                                                    Supplier<FailoverConfig> config) {
        return cmd -> {
            Resource r = config.get().resources().get(cmd.resource());
            if (r == null) {
                return CompletableFuture.completedFuture(new ResourceReport(local, cmd.resource(), cmd.group(),
                        cmd.kind().name().toLowerCase(), OperationResult.of(OcfStatus.ERR_CONFIGURED, "resource "
                        + cmd.resource() + " is not in the configuration of " + local + " (not replicated yet?)",
                        Duration.ZERO), cmd.kind() == ResourceCommand.Kind.STOP ? ResourceState.BLOCKED
                        : ResourceState.UNKNOWN, false, java.time.Instant.now()));
            }
            Operation op = new Operation(Operation.Kind.valueOf(cmd.kind().name()), r, cmd.group(), cmd.epoch(),
                    cmd.reason(), cmd.peer());
            return executor.probe(op).thenApply(ChannelTransport::toApi);
        };
    }

    public static ResourceReport toApi(Report r) {
        return new ResourceReport(r.node(), r.resource(), r.group(), r.operation(), r.result(), r.state(),
                r.failure(), r.at(), r.replica());
    }

    public static Report fromApi(ResourceReport r) {
        return new Report(r.node(), r.resource(), r.group(), r.operation(), r.result(), r.state(), r.failure(),
                r.at(), r.replica());
    }
}
