package org.duplex.heartbeat.node;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.DetectorClock;
import org.duplex.heartbeat.frame.ClusterKey;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.status.NodeStatus;

/** A heartbeat node for tests, recording every event it publishes. */
public final class TestNode implements PeerLivenessListener, AutoCloseable {

    public final List<LinkEvent> linkEvents = new CopyOnWriteArrayList<>();
    public final List<PeerEvent> peerEvents = new CopyOnWriteArrayList<>();
    public final HeartbeatNode node;

    public TestNode(String id, Path keyFile, Duration initialDead, String... peers) {
        this(id, "prod", keyFile, initialDead, DetectorClock.SYSTEM, peers);
    }

    public TestNode(String id, String cluster, Path keyFile, Duration initialDead, DetectorClock clock,
            String... peers) {
        NodeSettings s = new NodeSettings(NodeId.of(id), cluster, keyFile, initialDead,
                Set.of(peers).stream().map(NodeId::of).collect(java.util.stream.Collectors.toSet()),
                System.currentTimeMillis(), List.of(), Duration.ofMillis(20));
        node = new HeartbeatNode(s, clock, this, () -> new NodeStatus(0.5, 40, 60, Map.of()),
                LinkFactory.DEFAULT);
    }

    public static Path key(Path dir) throws IOException {
        Path k = dir.resolve("cluster.key");
        if (!k.toFile().exists()) {
            ClusterKey.generate(k, false, new SecureRandom());
        }
        return k;
    }

    @Override
    public void linkChanged(LinkEvent event) {
        linkEvents.add(event);
    }

    @Override
    public void peerChanged(PeerEvent event) {
        peerEvents.add(event);
    }

    public Liveness liveness(String peer) {
        return node.liveness(NodeId.of(peer));
    }

    public void link(Map<String, Object> props) {
        node.addLink(LinkConfig.parse(props));
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
