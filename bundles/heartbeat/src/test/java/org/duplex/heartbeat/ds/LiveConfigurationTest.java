package org.duplex.heartbeat.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.node.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the DS components the way SCR does when factory configurations of org.duplex.heartbeat.link are created,
 * updated and deleted: every change takes effect on the running node.
 */
class LiveConfigurationTest {

    @TempDir
    Path dir;

    HeartbeatComponent node(String id, String peer, Path key) {
        HeartbeatComponent c = new HeartbeatComponent();
        Map<String, Object> props = new HashMap<>();
        props.put("node.id", id);
        props.put("cluster.name", "prod");
        props.put("key.file", key.toString());
        props.put("initial.dead.ms", "1000");
        props.put("peers", new String[] {peer});
        props.put("incarnation.file", dir.resolve(id + ".incarnation").toString());
        c.activate(props);
        return c;
    }

    static Map<String, Object> udp(String name, int local, String peer, int peerPort) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("type", "udp");
        m.put("local.address", "127.0.0.1");
        m.put("port", local);
        m.put("peers", new String[] {peer + "=127.0.0.1:" + peerPort});
        return m;
    }

    @Test
    void linksAreAddedChangedAndRemovedLive() throws Exception {
        Path key = TestNode.key(dir);
        HeartbeatComponent a = node("nodeA", "nodeB", key);
        HeartbeatComponent b = node("nodeB", "nodeA", key);
        List<PeerEvent> events = new CopyOnWriteArrayList<>();
        a.addListener(events::add);
        PeerLivenessListener dummy = e -> {
        };
        a.addListener(dummy);
        a.removeListener(dummy);
        try {
            int pa = TestNode.freeUdpPort();
            int pb = TestNode.freeUdpPort();
            LinkComponent la = new LinkComponent(a, udp("udp0", pa, "nodeB", pb));
            // B's side is configured wrongly at first: it sends to a port where A does not listen.
            int wrong = TestNode.freeUdpPort();
            LinkComponent lb = new LinkComponent(b, udp("udp0", pb, "nodeA", wrong));
            await().atMost(Duration.ofSeconds(5)).until(() -> alive(b, "nodeA"));
            assertThat(alive(a, "nodeB")).isFalse();

            // The operator fixes B's configuration: the link is replaced without a restart.
            lb.modified(udp("udp0", pb, "nodeA", pa));
            await().atMost(Duration.ofSeconds(5)).until(() -> alive(a, "nodeB"));
            assertThat(events).extracting(PeerEvent::liveness).contains(Liveness.ALIVE);

            // A second configuration may not claim the same link name.
            assertThatThrownBy(() -> new LinkComponent(a, udp("udp0", TestNode.freeUdpPort(), "nodeB", pb)))
                    .hasMessageContaining("already used");

            // Deleting B's configuration removes the link: A sees B dead.
            lb.deactivate();
            assertThat(b.links()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.peers().get(0).liveness() == Liveness.DEAD);
            la.deactivate();
            assertThat(a.links()).isEmpty();
        } finally {
            a.deactivate();
            b.deactivate();
        }
    }

    static boolean alive(HeartbeatComponent c, String peer) {
        return c.peers().stream().anyMatch(p -> p.peer().equals(NodeId.of(peer)) && p.liveness() == Liveness.ALIVE);
    }
}
