package org.duplex.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.duplex.itests.node.DistributionNode;

/**
 * Several real nodes from the distribution on this machine (majority quorum, no tiebreaker), configured as README's
 * "Configuring a real cluster" says: one cluster key on all, the same member list, each its own node.id, its own
 * SSH/JMX ports and cluster port. Not started.
 */
final class LocalCluster {

    private LocalCluster() {
    }

    /**
     * @param waitForAll whether a cold start waits until every node was seen once (false lets two of three form the
     *                   cluster before the third ever starts)
     */
    static Map<String, DistributionNode> unpack(Path assembly, Path work, List<String> ids, boolean waitForAll)
            throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String id : ids) {
            ports.put(id, DuplexContainer.freePortWithNeighbour(100));
        }
        String members = ports.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(", "));
        Map<String, DistributionNode> nodes = new LinkedHashMap<>();
        for (String id : ids) {
            DistributionNode node = DistributionNode.unpack(assembly, work.resolve(id));
            node.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
            Path keyFile = node.home().resolve("etc/duplex-cluster.key");
            Files.write(keyFile, key);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            node.setProperty("etc/org.duplex.cluster.cfg", "node.id", id)
                    .setProperty("etc/org.duplex.cluster.cfg", "members", members)
                    .setProperty("etc/org.duplex.cluster.cfg", "two_node", "false")
                    .setProperty("etc/org.duplex.cluster.cfg", "wait_for_all", Boolean.toString(waitForAll))
                    .setProperty("etc/org.duplex.cluster.cfg", "no_quorum_policy", "stop")
                    .setProperty("etc/org.duplex.heartbeat.cfg", "node.id", id);
            nodes.put(id, node);
        }
        return nodes;
    }
}
