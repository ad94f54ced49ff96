package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.duplex.api.admin.ClusterStatus;
import org.duplex.api.admin.NodeInfo;
import org.junit.jupiter.api.Test;

/** Only a node out of the view AND declared DEAD by its heartbeat counts as gone; everything else keeps its lock. */
class DeadNodesTest {

    private static NodeInfo node(String id, boolean inView, String liveness) {
        return new NodeInfo(id, "member", 1, "ONLINE", inView, liveness, false, Map.of());
    }

    private static ClusterStatus status(NodeInfo... nodes) {
        return new ClusterStatus("c", "node2", true, "", 2, 3, "node2", 7, 3, "disk", List.of(nodes));
    }

    @Test
    void onlyADeadNodeOutOfTheViewIsGone() {
        ClusterStatus s = status(node("node1", false, "DEAD"), node("node2", true, "SELF"),
                node("node3", false, "PARTITIONED"), node("node4", true, "ALIVE"), node("node5", false, "UNKNOWN"));
        DeadNodes dead = new DeadNodes(Map.of("db-a.example.com", "node4"), () -> s);
        assertThat(dead.test("node1")).isTrue();
        assertThat(dead.test("node1.example.com")).as("the short host name is the node id").isTrue();
        assertThat(dead.test("node2")).as("this node").isFalse();
        assertThat(dead.test("node3")).as("partitioned: may still run restic").isFalse();
        assertThat(dead.test("node4")).isFalse();
        assertThat(dead.test("db-a.example.com")).as("mapped to node4, alive").isFalse();
        assertThat(dead.test("node5")).as("unknown liveness").isFalse();
        assertThat(dead.test("laptop")).as("no cluster node").isFalse();
        assertThat(new DeadNodes(Map.of(), () -> null).test("node1")).as("no cluster service").isFalse();
    }

    @Test
    void nodeHostsAreReadAndABadEntryNamed() {
        assertThat(NodeHosts.parse("node1=db-a.example.com, node2=db-b")).containsEntry("db-a.example.com", "node1")
                .containsEntry("db-b", "node2");
        assertThat(NodeHosts.parse("")).isEmpty();
        assertThatThrownBy(() -> NodeHosts.parse("node1=a,node2")).hasMessageContaining("'node2' is not node=hostname");
    }
}
