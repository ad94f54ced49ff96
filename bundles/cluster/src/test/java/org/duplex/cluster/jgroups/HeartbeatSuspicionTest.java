package org.duplex.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.runtime.ClusterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes on loopback JGroups with a 20 s failure detection timeout: when the heartbeat declares a cut-off
 * node dead, the others install the view without it at once instead of after the group's own detection.
 */
class HeartbeatSuspicionTest {

    @TempDir
    Path dir;

    private InJvmNodes nodes;

    private ClusterNode node(String id, int port, String members) throws Exception {
        if (nodes == null) {
            nodes = new InJvmNodes(dir);
        }
        return nodes.start(id, port, members, Map.of("fd.timeout.ms", "20000"));
    }

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aPeerDeadOnTheHeartbeatLeavesTheViewWithoutWaitingForFailureDetection() throws Exception {
        ProcessCluster ports = new ProcessCluster(dir);
        String members = ports.members(3, null);
        ClusterNode n1 = node("n1", ports.port(0), members);
        ClusterNode n2 = node("n2", ports.port(1), members);
        ClusterNode n3 = node("n3", ports.port(2), members);
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.all().stream().allMatch(n -> n.state().quorate()
                && n.state().members().size() == 3));

        n1.cutNetwork(true); // the coordinator goes silent; FD_ALL3 would take 20 s, FD_SOCK2 sees open sockets
        long t0 = System.nanoTime();
        n2.peerDead(NodeId.of("n1"), "silent on all links (test)");
        n3.peerDead(NodeId.of("n1"), "silent on all links (test)");
        await().atMost(Duration.ofSeconds(8)).until(() -> n2.state().members().equals(java.util.Set.of(
                NodeId.of("n2"), NodeId.of("n3"))) && n3.state().members().size() == 2 && n2.state().quorate());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        n1.cutNetwork(false);
    }

    @Test
    void aPeerThatIsNotInTheViewIsIgnored() throws Exception {
        ProcessCluster ports = new ProcessCluster(dir);
        ClusterNode n1 = node("n1", ports.port(0), ports.members(3, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.state().members().size() == 1);
        n1.peerDead(NodeId.of("n2"), "never joined");
        n1.peerDead(NodeId.of("n1"), "itself");
        assertThat(n1.state().members()).containsExactly(NodeId.of("n1"));
    }
}
