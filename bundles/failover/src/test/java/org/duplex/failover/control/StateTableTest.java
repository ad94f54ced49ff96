package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Report;
import org.junit.jupiter.api.Test;

/** The tiebreaker weight: groups fully active on a node; a partial copy does not count. */
class StateTableTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId VIP = ResourceId.of("vip");
    private static final ResourceId APP = ResourceId.of("app");
    private static final ResourceId DB = ResourceId.of("db");

    @Test
    void completeGroupsCountsOnlyGroupsWhoseEveryMemberRuns() {
        List<ResourceGroup> groups = List.of(new ResourceGroup(ResourceId.of("web"), List.of(VIP, APP), List.of(N1, N2)),
                new ResourceGroup(ResourceId.of("data"), List.of(DB), List.of(N1, N2)));
        StateTable t = new StateTable(10);
        assertThat(t.completeGroups(N1, groups)).isZero();

        t.set(N1, VIP, ResourceState.RUNNING);
        assertThat(t.completeGroups(N1, groups)).as("web is partial").isZero();
        t.set(N1, APP, ResourceState.RUNNING);
        t.set(N1, DB, ResourceState.RUNNING);
        t.set(N2, DB, ResourceState.FAILED);
        assertThat(t.completeGroups(N1, groups)).isEqualTo(2);
        assertThat(t.completeGroups(N2, groups)).isZero();

        t.set(N1, APP, ResourceState.FAILED);
        assertThat(t.completeGroups(N1, groups)).isEqualTo(1);
        t.clearNode(N1);
        assertThat(t.completeGroups(N1, groups)).isZero();
    }

    @Test
    void replicaReportsOutlastSilenceButNotTheConfigurationThatGaveThemMeaning() {
        NodeId n3 = NodeId.of("node3");
        StateTable t = new StateTable(10);
        t.apply(replica(N1, DB, 900));
        t.apply(replica(N2, DB, 500));
        t.apply(replica(n3, DB, 700));
        t.apply(replica(N1, APP, 10));

        assertThat(t.retainReplicas(Map.of(DB, Set.of(N1, N2, n3), APP, Set.of(N1)))).isZero();
        t.forgetNode(N1);
        t.clearNode(N1);
        assertThat(t.replicas().get(DB)).as("a silent or fenced primary's last position stays: promotion can lose it")
                .containsKeys(N1, N2, n3);

        assertThat(t.retainReplicas(Map.of(DB, Set.of(N2, n3)))).as("node1 left db's node list; app no longer"
                + " promotable").isEqualTo(2);
        assertThat(t.replicas()).containsOnlyKeys(DB);
        assertThat(t.replicas().get(DB)).containsOnlyKeys(N2, n3);
        assertThat(t.retainReplicas(Map.of())).as("db removed").isEqualTo(2);
        assertThat(t.replicas()).isEmpty();
    }

    private static Report replica(NodeId node, ResourceId r, long offset) {
        ReplicaStatus s = new ReplicaStatus(ReplicaStatus.Role.STANDBY,
                Optional.of(new ReplicationPosition(1, offset, "bytes", "1/" + offset)), Optional.empty(), "");
        return new Report(node, r, Optional.empty(), "monitor", OperationResult.success("streaming", java.time.Duration.ZERO),
                ResourceState.STANDBY, false, Instant.EPOCH, Optional.of(s));
    }
}
