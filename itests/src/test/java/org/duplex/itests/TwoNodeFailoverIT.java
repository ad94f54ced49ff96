package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.itests.net.NetNamespaces;
import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hot standby end to end: two Duplex nodes and a client, each in its own network namespace on one bridge; the
 * nodes share a disk-lease file as their two-node tiebreaker and talk heartbeat over UDP. A group (VIP + a TCP
 * service that answers with its node's name) runs on node1; node1 is cut off and SIGKILLed; the client is then
 * served by node2 at the same address. Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeFailoverIT {

    private static final String VIP = "10.77.1.50";

    private NetNamespaces net;
    private final Map<String, String> ns = new LinkedHashMap<>();
    private final Map<String, DistributionNode> nodes = new LinkedHashMap<>();
    private String clientNs;
    private Path work;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: TwoNodeFailoverIT needs root and iproute2 to create network namespaces (CI runs as root)");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/socat")),
                "SKIPPED: TwoNodeFailoverIT needs socat (scripts/install-deps.sh installs it)");
        net = new NetNamespaces("dx2-");
        String sw = net.add("sw");
        ns.put("node1", net.add("n1"));
        ns.put("node2", net.add("n2"));
        clientNs = net.add("cl");
        net.plug(sw, ns.get("node1"), "10.77.1.1/24", "eth0");
        net.plug(sw, ns.get("node2"), "10.77.1.2/24", "eth0");
        net.plug(sw, clientNs, "10.77.1.100/24", "eth0");

        work = Paths.get(DuplexContainer.required("duplex.workDir"), "two-node");
        Files.createDirectories(work);
        Path lease = work.resolve("lease.img");
        try (RandomAccessFile f = new RandomAccessFile(lease.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        Path app = work.resolve("app.sh");
        // Answers every connection with the name of the namespace (= node) it runs in.
        Files.writeString(app, "#!/bin/sh\nNAME=$(ip netns identify $$)\nexec socat TCP-LISTEN:8080,bind=" + VIP
                + ",fork,reuseaddr SYSTEM:\"echo $NAME\"\n");
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String members = "node1@10.77.1.1:7800, node2@10.77.1.2:7800";
        for (String id : ns.keySet()) {
            String addr = id.equals("node1") ? "10.77.1.1" : "10.77.1.2";
            String peer = id.equals("node1") ? "node2" : "node1";
            String peerAddr = id.equals("node1") ? "10.77.1.2" : "10.77.1.1";
            DistributionNode node = DistributionNode.unpack(Paths.get(DuplexContainer.required("duplex.assembly")),
                    work.resolve(id), ns.get(id));
            node.ports(8101, 1099, 44444); // each namespace has its own loopback
            Path keyFile = node.home().resolve("etc/duplex-cluster.key");
            Files.write(keyFile, key);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            node.setProperty("etc/org.duplex.cluster.cfg", "node.id", id)
                    .setProperty("etc/org.duplex.cluster.cfg", "members", members)
                    .setProperty("etc/org.duplex.cluster.cfg", "bind.address", addr)
                    .setProperty("etc/org.duplex.cluster.cfg", "two_node", "true")
                    .setProperty("etc/org.duplex.cluster.cfg", "wait_for_all", "true")
                    .setProperty("etc/org.duplex.cluster.cfg", "tiebreaker.type", "disk")
                    .setProperty("etc/org.duplex.cluster.cfg", "tiebreaker.disk.path", lease.toString())
                    .setProperty("etc/org.duplex.heartbeat.cfg", "node.id", id)
                    .setProperty("etc/org.duplex.heartbeat.cfg", "peers", peer);
            // Separate hosts have separate /run: give each node its own pid-file directory on this shared disk.
            Files.writeString(node.home().resolve("etc/org.duplex.failover.agent.process.cfg"),
                    "run.dir = " + node.home().resolve("run") + "\n");
            Files.writeString(node.home().resolve("etc/org.duplex.heartbeat.link-udp0.cfg"),
                    "name = udp0\ntype = udp\nlocal.address = " + addr + "\nport = 7400\npeers = " + peer + "="
                            + peerAddr + ":7400\n");
            nodes.put(id, node);
        }
        for (DistributionNode node : nodes.values()) {
            assertThat(node.start().exitCode()).isZero();
        }
        for (DistributionNode node : nodes.values()) {
            await("both nodes quorate in one view").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        String s = node.client("ha:status").output();
                        return s.contains("Quorum:      yes") && s.contains("Votes:       2 of 2");
                    });
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (DistributionNode node : nodes.values()) {
            node.kill();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void killingTheActiveNodeMovesTheServiceToTheStandbyAtTheSameAddress() throws Exception {
        Path app = work.resolve("app.sh");
        // The same definitions on both nodes (the replicated store makes the second round a no-op replace).
        for (DistributionNode node : nodes.values()) {
            expectOk(node.client("ha:resource-add -f vip vip ip=" + VIP + " cidr=24 interface=eth0 monitor-interval=1s"));
            expectOk(node.client("ha:resource-add -f app process command=" + app + " monitor-interval=1s"));
            expectOk(node.client("ha:group-add -f web resources=vip,app nodes=node1,node2 failback=manual"));
        }
        awaitServedBy(ns.get("node1"), "the group starts on node1, first in priority");

        // Unplanned: node1 loses its network and its JVM dies at once.
        NetNamespaces.exec(ns.get("node1"), "ip link set eth0 down");
        nodes.get("node1").kill();
        awaitServedBy(ns.get("node2"), "node2 takes the service over at the same VIP");
        String status = nodes.get("node2").client("ha:status").output();
        assertThat(status).contains("Quorum:      yes");
    }

    private void awaitServedBy(String nodeNs, String what) {
        String[] last = {""};
        try {
            await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = NetNamespaces.tryExec(clientNs,
                        "socat -T1 - TCP:" + VIP + ":8080,connect-timeout=1 </dev/null");
                return last[0].contains(nodeNs);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; last answer: " + last[0], e);
        }
    }

    private static void expectOk(DistributionNode.Result r) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContainIgnoringCase("error");
    }
}
