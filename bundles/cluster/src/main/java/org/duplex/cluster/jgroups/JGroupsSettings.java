package org.duplex.cluster.jgroups;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.duplex.api.model.NodeId;

/**
 * How this node joins the group.
 *
 * @param clusterName  the JGroups cluster name (nodes of different clusters never merge)
 * @param nodeId       this node's id, used as its JGroups logical name
 * @param bindAddress  address of the TCP transport
 * @param bindPort     port of the TCP transport (FD_SOCK2 listens on bindPort + fdSockOffset)
 * @param peers        every node's transport address (TCPPING static list; may include this node)
 * @param clusterKey   the shared secret every traffic is encrypted with (SYM_ENCRYPT, AES key derived from it)
 * @param fdTimeout    fast failure detection: VERIFY_SUSPECT's check of a suspicion takes a quarter of it
 * @param fdBackstop   FD_ALL3: a member silent this long on the cluster connections is suspected
 * @param testHooks    adds a DISCARD layer tests can use to cut all traffic
 */
public record JGroupsSettings(String clusterName, NodeId nodeId, String bindAddress, int bindPort,
                              List<InetSocketAddress> peers, byte[] clusterKey, Duration fdTimeout, Duration fdBackstop,
                              int fdSockOffset, boolean testHooks) {

    public JGroupsSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(bindAddress, "bindAddress");
        peers = List.copyOf(peers);
        Objects.requireNonNull(clusterKey, "clusterKey");
        if (clusterKey.length < 16) {
            throw new IllegalArgumentException("cluster key too short: need at least 16 bytes, got "
                    + clusterKey.length);
        }
        Objects.requireNonNull(fdTimeout, "fdTimeout");
        Objects.requireNonNull(fdBackstop, "fdBackstop");
    }

    public static List<InetSocketAddress> parsePeers(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).map(s -> {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("peer '" + s + "': expected host:port");
            }
            return InetSocketAddress.createUnresolved(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        }).toList();
    }
}
