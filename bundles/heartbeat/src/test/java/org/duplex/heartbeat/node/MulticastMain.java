package org.duplex.heartbeat.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.model.Liveness;

/**
 * Run inside a private network namespace by {@link MulticastNetnsTest}: two nodes heartbeat over UDP multicast on
 * that namespace's loopback. Exits 0 when each sees the other ALIVE, 1 otherwise.
 */
public final class MulticastMain {

    public static void main(String[] args) throws Exception {
        Path key = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        String group = args[2];
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(5), "nodeB");
                TestNode b = new TestNode("nodeB", key, Duration.ofSeconds(5), "nodeA")) {
            a.link(Map.of("name", "mcast0", "type", "udp", "local.address", "127.0.0.1", "port", port,
                    "multicast.group", group, "peers", "nodeB"));
            b.link(Map.of("name", "mcast0", "type", "udp", "local.address", "127.0.0.1", "port", port,
                    "multicast.group", group, "peers", "nodeA"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                if (a.liveness("nodeB") == Liveness.ALIVE && b.liveness("nodeA") == Liveness.ALIVE) {
                    System.out.println("MULTICAST OK: " + a.node.links().get(0).detail());
                    System.exit(0);
                }
                Thread.sleep(50);
            }
            System.out.println("MULTICAST FAILED: A sees B " + a.liveness("nodeB") + ", B sees A "
                    + b.liveness("nodeA") + "; " + a.node.links().get(0).detail());
        }
        System.exit(1);
    }
}
