package org.duplex.cluster.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.cluster.core.ClusterMessage;

/** Between the API's orders and reports and their flat wire records. The readers are total: bad input = empty. */
public final class ExecutionWire {

    private ExecutionWire() {
    }

    public static ClusterMessage.ExecOrder order(NodeId from, String viewId, long requestId, ResourceCommand c,
                                                 long configVersion) {
        return new ClusterMessage.ExecOrder(from, viewId, requestId, c.kind().name(), c.resource().value(),
                c.group().map(ResourceId::value).orElse(""), c.epoch().value(), c.reason(), configVersion,
                c.peer().map(NodeId::value).orElse(""));
    }

    public static Optional<ResourceCommand> command(ClusterMessage.ExecOrder o) {
        try {
            return Optional.of(new ResourceCommand(ResourceCommand.Kind.valueOf(o.kind()),
                    ResourceId.of(o.resource()), group(o.group()), new FencingEpoch(o.epoch()),
                    o.reason() == null ? "" : o.reason(),
                    o.peer() == null || o.peer().isEmpty() ? Optional.empty() : Optional.of(NodeId.of(o.peer()))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public static ClusterMessage.ExecReport report(NodeId from, String viewId, long requestId, ResourceReport r) {
        return new ClusterMessage.ExecReport(from, viewId, requestId, r.resource().value(),
                r.group().map(ResourceId::value).orElse(""), r.operation(), r.result().status().name(),
                r.result().reason(), r.result().elapsed().toMillis(), r.state().name(), r.failure(),
                r.at().toEpochMilli(), r.replica().map(x -> x.role().name()).orElse(""),
                r.replica().flatMap(ReplicaStatus::position).map(ReplicationPosition::generation).orElse(-1L),
                r.replica().flatMap(ReplicaStatus::position).map(ReplicationPosition::offset).orElse(0L),
                r.replica().flatMap(ReplicaStatus::position).map(ReplicationPosition::unit).orElse(""),
                r.replica().flatMap(ReplicaStatus::position).map(ReplicationPosition::text).orElse(""),
                r.replica().flatMap(ReplicaStatus::following).orElse(""),
                r.replica().map(ReplicaStatus::detail).orElse(""));
    }

    /** The report as its sender (the executing node, {@code from}) made it. */
    public static Optional<ResourceReport> report(ClusterMessage.ExecReport m) {
        try {
            return Optional.of(new ResourceReport(m.from(), ResourceId.of(m.resource()), group(m.group()),
                    m.operation(), new OperationResult(OcfStatus.valueOf(m.status()),
                    m.detail() == null ? "" : m.detail(), Duration.ofMillis(Math.max(0, m.elapsedMillis()))),
                    ResourceState.valueOf(m.state()), m.failure(), Instant.ofEpochMilli(m.atMillis()), replica(m)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The promotable resource's role and position, when the report carries one. */
    private static Optional<ReplicaStatus> replica(ClusterMessage.ExecReport m) {
        if (m.replicaRole() == null || m.replicaRole().isEmpty()) {
            return Optional.empty();
        }
        Optional<ReplicationPosition> pos = m.replicaGeneration() < 0 ? Optional.empty()
                : Optional.of(new ReplicationPosition(m.replicaGeneration(), m.replicaOffset(),
                nz(m.replicaUnit()), nz(m.replicaText())));
        String following = nz(m.replicaFollowing());
        return Optional.of(new ReplicaStatus(ReplicaStatus.Role.valueOf(m.replicaRole()), pos,
                following.isEmpty() ? Optional.empty() : Optional.of(following), nz(m.replicaDetail())));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Optional<ResourceId> group(String g) {
        return g == null || g.isEmpty() ? Optional.empty() : Optional.of(ResourceId.of(g));
    }
}
