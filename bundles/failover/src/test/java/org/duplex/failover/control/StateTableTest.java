package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
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
}
