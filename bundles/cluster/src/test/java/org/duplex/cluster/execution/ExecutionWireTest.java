package org.duplex.cluster.execution;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class ExecutionWireTest {

    private static final NodeId N1 = NodeId.of("n1");

    @Test
    void ordersRoundTrip() {
        for (ResourceCommand.Kind k : ResourceCommand.Kind.values()) {
            for (Optional<ResourceId> g : java.util.List.of(Optional.<ResourceId>empty(),
                    Optional.of(ResourceId.of("web")))) {
                ResourceCommand c = new ResourceCommand(k, ResourceId.of("vip"), g, new FencingEpoch(9), "why",
                        k == ResourceCommand.Kind.FOLLOW ? Optional.of(NodeId.of("n2")) : Optional.empty());
                assertThat(ExecutionWire.command(ExecutionWire.order(N1, "v", 1, c, 4))).contains(c);
            }
        }
    }

    @Test
    void reportsRoundTrip() {
        ResourceReport r = new ResourceReport(N1, ResourceId.of("vip"), Optional.of(ResourceId.of("web")), "stop",
                OperationResult.of(OcfStatus.TIMEOUT, "stop timed out", Duration.ofMillis(20_000)),
                ResourceState.BLOCKED, true, Instant.ofEpochMilli(42));
        assertThat(ExecutionWire.report(ExecutionWire.report(N1, "v", 3, r))).contains(r);
    }

    @Test
    void aPromotableResourcesRoleAndPositionTravelWithItsReport() {
        for (ReplicaStatus rs : java.util.List.of(
                new ReplicaStatus(ReplicaStatus.Role.STANDBY, Optional.of(new ReplicationPosition(2, 50_331_648,
                        "bytes of WAL", "0/3000000 on timeline 2")), Optional.of("n2"), "standby of n2 (streaming)"),
                new ReplicaStatus(ReplicaStatus.Role.PRIMARY, Optional.empty(), Optional.empty(), "not answering"))) {
            ResourceReport r = new ResourceReport(N1, ResourceId.of("pg"), Optional.of(ResourceId.of("db")),
                    "monitor", OperationResult.success("running", Duration.ofMillis(3)), ResourceState.STANDBY, false,
                    Instant.ofEpochMilli(42), Optional.of(rs));
            assertThat(ExecutionWire.report(ExecutionWire.report(N1, "v", 0, r))).contains(r);
        }
    }

    @Test
    void malformedFieldsGiveEmptyNeverAnException() {
        assertThat(ExecutionWire.command(new ClusterMessage.ExecOrder(N1, "v", 1, "EXPLODE", "vip", "", 1, "", 0)))
                .isEmpty();
        assertThat(ExecutionWire.command(new ClusterMessage.ExecOrder(N1, "v", 1, "START", null, "", 1, "", 0)))
                .isEmpty();
        assertThat(ExecutionWire.command(new ClusterMessage.ExecOrder(N1, "v", 1, "START", "vip", "", -1, "", 0)))
                .isEmpty();
        assertThat(ExecutionWire.command(new ClusterMessage.ExecOrder(N1, "v", 1, null, "vip", "", 1, null, 0)))
                .isEmpty();
        assertThat(ExecutionWire.report(new ClusterMessage.ExecReport(N1, "v", 1, "vip", "", "start", "WHAT", "",
                0, "RUNNING", false, 0))).isEmpty();
        assertThat(ExecutionWire.report(new ClusterMessage.ExecReport(N1, "v", 1, "vip", "bad group!", "start",
                "SUCCESS", "", 0, "RUNNING", false, 0))).isEmpty();
        assertThat(ExecutionWire.report(new ClusterMessage.ExecReport(N1, "v", 1, "vip", "", null,
                "SUCCESS", "", 0, "RUNNING", false, 0))).isEmpty();
    }
}
