package org.duplex.cluster.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.quorum.QuorumSettings;

/**
 * Everything one node needs to run (the contents of {@code etc/org.duplex.cluster.cfg}).
 *
 * @param members   the bootstrap node list "id@host:port[/witness][*votes]", comma separated; later replaced by
 *                  the replicated configuration for votes and roles
 * @param tiebreaker none, disk, witness or ping
 * @param fdTimeout the fast failure-detection time: term deadline (half of it), VERIFY_SUSPECT (a quarter)
 * @param fdBackstop JGroups' own failure detector (FD_ALL3): a member silent on the cluster connections this long
 *                  is excluded. The heartbeat excludes a dead node in its dead time through every link; this is
 *                  the backstop for a member the heartbeat does not cover, and for a cut interconnect
 * @param leaseFenceTakeover the disk lease of a holder that left the view and stopped renewing is taken as soon
 *                  as a fencing device confirms it off, instead of after it expired
 */
public record NodeOptions(String nodeId, String clusterName, String bindAddress, int bindPort, String members,
                          int expectedVotes, boolean twoNode, boolean waitForAll, NoQuorumPolicy noQuorumPolicy,
                          String tiebreaker, String diskPath, long diskOffset, Duration leaseRenew,
                          Duration leaseTime, Duration leaseMargin, String witness, String pingTarget,
                          Path stateDir, Path clusterKeyFile, Duration fdTimeout, Duration fdBackstop, int fdSockOffset,
                          Duration tickInterval, boolean testHooks, boolean leaseFenceTakeover) {

    public NodeOptions {
        Objects.requireNonNull(nodeId, "node.id");
        Objects.requireNonNull(clusterName, "cluster.name");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(stateDir, "state.dir");
        Objects.requireNonNull(clusterKeyFile, "cluster.key.file");
        Objects.requireNonNull(fdBackstop, "fd.backstop.ms");
    }

    /** One parsed member entry. */
    public record Member(String id, String host, int port, NodeRole role, int votes) {
    }

    public List<Member> parseMembers() {
        List<Member> out = new ArrayList<>();
        for (String raw : members.split("[,\\s]+")) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            int votes = 1;
            int star = s.indexOf('*');
            if (star >= 0) {
                votes = Integer.parseInt(s.substring(star + 1));
                s = s.substring(0, star);
            }
            NodeRole role = NodeRole.MEMBER;
            if (s.endsWith("/witness")) {
                role = NodeRole.WITNESS;
                s = s.substring(0, s.length() - "/witness".length());
            }
            int at = s.indexOf('@');
            int colon = s.lastIndexOf(':');
            if (at <= 0 || colon < at) {
                throw new IllegalArgumentException("members entry '" + raw + "': expected id@host:port[/witness][*votes]");
            }
            out.add(new Member(s.substring(0, at), s.substring(at + 1, colon), Integer.parseInt(s.substring(colon + 1)),
                    role, votes));
        }
        if (out.stream().noneMatch(m -> m.id().equals(nodeId))) {
            throw new IllegalArgumentException("members does not list this node '" + nodeId + "'");
        }
        return out;
    }

    public List<InetSocketAddress> peers() {
        return parseMembers().stream().map(m -> InetSocketAddress.createUnresolved(m.host(), m.port())).toList();
    }

    public ClusterConfig bootstrapConfig() {
        List<NodeConfig> nodes = parseMembers().stream()
                .map(m -> new NodeConfig(m.id(), m.role(), m.votes(), NodeMode.ONLINE, m.host() + ":" + m.port()))
                .toList();
        // the replicated configuration's policy is the cluster-wide authority; the PID only seeds version 0
        return ClusterConfig.initial(clusterName, nodes)
                .withPolicies(new org.duplex.cluster.config.PolicyConfig(noQuorumPolicy, null, null));
    }

    public QuorumSettings quorumSettings() {
        return new QuorumSettings(expectedVotes, twoNode, waitForAll, noQuorumPolicy);
    }

    public int effectiveBindPort() {
        if (bindPort > 0) {
            return bindPort;
        }
        return parseMembers().stream().filter(m -> m.id().equals(nodeId)).findFirst().orElseThrow().port();
    }
}
