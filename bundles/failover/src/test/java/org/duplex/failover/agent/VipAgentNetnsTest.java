package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.vip.VipAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VIP agent for real, as root, in three network namespaces on a bridge (node A, node B, a client): the VIP
 * answers from the client, and after a takeover the client's neighbour table points at B's MAC because of the
 * gratuitous ARP (IPv4) or the unsolicited neighbour advertisement (IPv6) alone, with no traffic from the client.
 */
class VipAgentNetnsTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final String VIP4 = "172.31.251.100";
    private static final String VIP6 = "fd00:5:5::100";

    private NetnsLab lab;
    private String a;
    private String b;
    private String client;
    private VipAgent onA;
    private VipAgent onB;

    @BeforeEach
    void lab() throws Exception {
        NetnsLab.assumeRootWith("ip", "arping");
        lab = new NetnsLab();
        a = lab.host("a", "172.31.251.1/24", "fd00:5:5::1/64");
        b = lab.host("b", "172.31.251.2/24", "fd00:5:5::2/64");
        client = lab.host("c", "172.31.251.3/24", "fd00:5:5::3/64");
        onA = new VipAgent(NetnsLab.in(a));
        onB = new VipAgent(NetnsLab.in(b));
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private static Resource vip(String ip, String... extra) {
        Map<String, String> p = new HashMap<>(Map.of("ip", ip, "interface", "eth0"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return new Resource(ResourceId.of("vip"), "vip", p, OperationTimeouts.DEFAULTS, Duration.ofSeconds(2));
    }

    @Test
    void ipv4TakeoverUpdatesTheClientsNeighbourTableByGratuitousArp() throws Exception {
        Resource r = vip(VIP4, "cidr", "24");
        assertThat(onA.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        OperationResult started = onA.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        assertThat(onA.monitor(r, T).isSuccess()).isTrue();
        assertThat(onA.start(r, T).isSuccess()).as("start is idempotent").isTrue();

        assertThat(lab.ping(client, VIP4)).as("VIP answers from the client").isTrue();
        assertThat(lab.neighbour(client, VIP4)).isEqualTo(lab.mac(a));

        assertThat(onA.stop(r, T).isSuccess()).isTrue();
        assertThat(onA.stop(r, T).isSuccess()).as("stop is idempotent").isTrue();
        assertThat(onA.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);

        OperationResult takeover = onB.start(r, T);
        assertThat(takeover.isSuccess()).as(takeover.reason()).isTrue();
        // arp-count=3 repeats take 2 s; the start returns without waiting for them
        assertThat(takeover.elapsed()).as("start does not wait for the ARP repeats").isLessThan(Duration.ofMillis(1900));
        String macB = lab.mac(b);
        // no packet from the client meanwhile: only the gratuitous ARP can have changed its table
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> lab.neighbour(client, VIP4).equals(macB));
        boolean answered = lab.ping(client, VIP4);
        assertThat(answered).as("VIP answers from B; client: " + NetnsLab.sh("ip netns exec " + client
                + " ip neigh") + " B: " + NetnsLab.sh("ip netns exec " + b + " ip addr show eth0")
                + NetnsLab.sh("ip netns exec " + b + " ip neigh")).isTrue();
    }

    @Test
    void duplicateDetectionRefusesAnAddressSomeoneElseAnswersFor() throws Exception {
        Resource r = vip(VIP4, "check-duplicate", "true");
        assertThat(onA.start(r, T).isSuccess()).isTrue();
        OperationResult second = onB.start(r, T);
        assertThat(second.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(second.reason()).contains("another host already answers for " + VIP4);
        assertThat(onB.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void ipv6TakeoverUsesDadAndTheUnsolicitedNeighbourAdvertisement() throws Exception {
        NetnsLab.sh("ip netns exec " + a + " sysctl -qw net.ipv6.conf.eth0.accept_dad=1");
        NetnsLab.sh("ip netns exec " + b + " sysctl -qw net.ipv6.conf.eth0.accept_dad=1");
        Resource r = vip(VIP6);
        OperationResult started = onA.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        assertThat(lab.ping(client, VIP6)).isTrue();
        assertThat(lab.neighbour(client, VIP6)).isEqualTo(lab.mac(a));

        assertThat(onB.start(r, T).reason()).as("DAD sees A still holding it").contains("duplicate address");
        assertThat(onB.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);

        assertThat(onA.stop(r, T).isSuccess()).isTrue();
        OperationResult takeover = onB.start(r, T);
        assertThat(takeover.isSuccess()).as(takeover.reason()).isTrue();
        String macB = lab.mac(b);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> lab.neighbour(client, VIP6).equals(macB));
        assertThat(lab.ping(client, VIP6)).isTrue();
    }

    @Test
    void invalidParametersAndMissingInterfaceAreConfigurationErrors() throws Exception {
        Resource bad = new Resource(ResourceId.of("vip"), "vip", Map.of("ip", "web.example", "interface", "eth0"),
                OperationTimeouts.DEFAULTS, Duration.ofSeconds(2));
        assertThat(onA.validate(bad, T)).singleElement().asString().contains("not an IPv4 or IPv6 address");
        assertThat(onA.validate(vip(VIP4, "cidr", "40"), T)).singleElement().asString().contains("between 1 and 32");
        Resource noDev = vip(VIP4, "interface", "nosuch0");
        assertThat(onA.monitor(noDev, T).status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
    }
}
