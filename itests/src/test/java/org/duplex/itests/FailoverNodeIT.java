package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.duplex.itests.net.NetNamespaces;
import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The failover engine in the distribution, on real hosts: a Duplex node in its own network namespace runs a
 * group of a virtual IP and a small TCP service; a client in another namespace reaches the service at the VIP.
 * Killing the service process gets it restarted locally (below the migration threshold), and the client is
 * served again at the same address. Root only (namespaces, addresses): skipped with a reason elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverNodeIT {

    private static final String VIP = "10.77.0.50";

    private NetNamespaces net;
    private String nodeNs;
    private String clientNs;
    private DistributionNode node;
    private Path work;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: FailoverNodeIT needs root and iproute2 to create network namespaces (CI runs as root)");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/socat")),
                "SKIPPED: FailoverNodeIT needs socat (scripts/install-deps.sh installs it)");
        net = new NetNamespaces("dxit-");
        nodeNs = net.add("n1");
        clientNs = net.add("cl");
        net.link(nodeNs, "10.77.0.1/24", clientNs, "10.77.0.100/24", "eth0");

        work = Paths.get(DuplexContainer.required("duplex.workDir"), "failover-node");
        node = DistributionNode.unpack(Paths.get(DuplexContainer.required("duplex.assembly")), work.resolve("node1"),
                nodeNs);
        node.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
        Files.writeString(node.home().resolve("etc/org.duplex.failover.agent.process.cfg"),
                "run.dir = " + node.home().resolve("run") + "\n");
        // The service: answers every connection with this node's name.
        Path app = work.resolve("app.sh");
        Files.writeString(app, "#!/bin/sh\nexec socat TCP-LISTEN:8080,bind=" + VIP
                + ",fork,reuseaddr SYSTEM:'echo node1'\n");
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(node.start().exitCode()).isZero();
        await("node answers ha:status with quorum").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.client("ha:status").output().contains("Quorum:      yes"));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (node != null) {
            node.kill();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void groupServesAtTheVipAndAKilledServiceIsRestartedLocally() throws Exception {
        Path app = work.resolve("app.sh");
        expectOk(node.client("ha:resource-add vip vip ip=" + VIP + " cidr=24 interface=eth0 monitor-interval=1s"));
        expectOk(node.client("ha:resource-add app process command=" + app + " monitor-interval=1s"));
        expectOk(node.client("ha:group-add web resources=vip,app nodes=node1 migration-threshold=3"));

        awaitAnswer("client reaches the service at the VIP");
        assertThat(NetNamespaces.exec(nodeNs, "ip -4 addr show dev eth0")).contains(VIP + "/24");

        // Kill only the service process: the monitor sees it, the executor restarts it on the same node.
        NetNamespaces.exec(nodeNs, "pkill -KILL -f '^socat TCP-LISTEN:8080'");
        String[] history = {""};
        await("history records the failure and the local restart").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    history[0] = node.client("ha:history").output();
                    return history[0].contains("restarted on node1");
                });
        assertThat(history[0]).as(history[0]).contains("app").doesNotContain("moved");
        awaitAnswer("client is served again after the local restart");
        assertThat(node.client("ha:resource-show app").output()).contains("node1");

        // A configuration whose failover sections the failover bundle cannot use is refused at import, with the reason
        // (its DocumentValidator, asked by the cluster before it proposes), and nothing changes.
        Path export = work.resolve("exported.yaml");
        expectOk(node.client("ha:config-export " + export));
        String yaml = java.nio.file.Files.readString(export);
        assertThat(yaml).contains("stop-timeout");
        Path bad = work.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, yaml.replaceFirst("stop-timeout: \\S+", "stop-timeout: never"));
        String refused = node.client("ha:config-import " + bad).output();
        assertThat(refused).as(refused).contains("refused").contains("failover sections").contains("never");
        assertThat(node.client("ha:config-export " + work.resolve("after.yaml")).exitCode()).isZero();
        assertThat(java.nio.file.Files.readString(work.resolve("after.yaml"))).isEqualTo(yaml);
    }

    private void awaitAnswer(String what) {
        await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                NetNamespaces.tryExec(clientNs, "socat -T1 - TCP:" + VIP + ":8080,connect-timeout=1 </dev/null")
                        .contains("node1"));
    }

    private static void expectOk(DistributionNode.Result r) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContainIgnoringCase("error");
    }
}
