package org.duplex.cluster.config;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.quorum.VoterInfo;

/**
 * The replicated cluster configuration: one immutable, versioned snapshot. A node replaces its whole snapshot at
 * once, so nobody ever sees half a change.
 *
 * @param version monotonic; bumped by the coordinator on every accepted change
 * @param epoch   the fencing epoch of the coordinator term that accepted this version; with the version it orders
 *                snapshots: {@link #ORDER}
 * @param monitors the failover's monitor bindings; omitted from files and the wire when empty, so configurations
 *                without them read and write as before (and nodes of an older version keep reading them)
 * @param plugins  the plug-in features (duplex-plugin-*) every node installs, sorted, no duplicates
 *                 (ha:plugin-install / ha:plugin-remove); omitted from files and the wire when empty, as monitors
 * @param requires the lowest cluster protocol level that may hold this snapshot (0: any level that has levels);
 *                 a build that adds a level-gated field sets it when the field is used. A node of a lower level
 *                 never adopts the snapshot (it would drop what it cannot read) and stands aside; see
 *                 {@link org.duplex.cluster.protocol.ProtocolVersion}. Omitted when 0.
 */
public record ClusterConfig(long version, long epoch, String clusterName, List<NodeConfig> nodes,
                            List<LinkConfig> links, List<ResourceConfig> resources, List<GroupConfig> groups,
                            PolicyConfig policies,
                            @com.fasterxml.jackson.annotation.JsonInclude(
                                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                            List<MonitorConfig> monitors,
                            @com.fasterxml.jackson.annotation.JsonInclude(
                                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                            List<String> plugins,
                            @com.fasterxml.jackson.annotation.JsonInclude(
                                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
                            int requires) {

    /** Newer = higher version, then higher epoch. A node only ever moves to a newer snapshot. */
    public static final Comparator<ClusterConfig> ORDER =
            Comparator.comparingLong(ClusterConfig::version).thenComparingLong(ClusterConfig::epoch);

    @com.fasterxml.jackson.annotation.JsonCreator
    public ClusterConfig {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        links = links == null ? List.of() : List.copyOf(links);
        resources = resources == null ? List.of() : List.copyOf(resources);
        groups = groups == null ? List.of() : List.copyOf(groups);
        policies = policies == null ? PolicyConfig.DEFAULTS : policies;
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
        plugins = plugins == null ? List.of() : plugins.stream().filter(java.util.Objects::nonNull).distinct().sorted()
                .toList();
        requires = Math.max(requires, 0);
    }

    /** Without the protocol requirement (what every node of level 2 understands). */
    public ClusterConfig(long version, long epoch, String clusterName, List<NodeConfig> nodes, List<LinkConfig> links,
                         List<ResourceConfig> resources, List<GroupConfig> groups, PolicyConfig policies,
                         List<MonitorConfig> monitors, List<String> plugins) {
        this(version, epoch, clusterName, nodes, links, resources, groups, policies, monitors, plugins, 0);
    }

    public static ClusterConfig initial(String clusterName, List<NodeConfig> nodes) {
        return new ClusterConfig(0, 0, clusterName, nodes, List.of(), List.of(), List.of(), PolicyConfig.DEFAULTS,
                List.of(), List.of());
    }

    public boolean isNewerThan(ClusterConfig other) {
        return ORDER.compare(this, other) > 0;
    }

    public ClusterConfig stamped(long newVersion, long newEpoch) {
        return new ClusterConfig(newVersion, newEpoch, clusterName, nodes, links, resources, groups, policies,
                monitors, plugins, requires);
    }

    /** Same content, ignoring version and epoch. */
    public boolean sameContentAs(ClusterConfig other) {
        return stamped(0, 0).equals(other.stamped(0, 0));
    }

    public Optional<NodeConfig> node(NodeId id) {
        return nodes.stream().filter(n -> id.value().equals(n.id())).findFirst();
    }

    public ClusterConfig withNodeMode(NodeId id, NodeMode mode) {
        if (node(id).isEmpty()) {
            throw new IllegalArgumentException("unknown node '" + id + "'");
        }
        List<NodeConfig> changed = nodes.stream().map(n -> n.id().equals(id.value()) ? n.withMode(mode) : n).toList();
        return new ClusterConfig(version, epoch, clusterName, changed, links, resources, groups, policies, monitors,
                plugins, requires);
    }

    public ClusterConfig withPolicies(PolicyConfig p) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, resources, groups, p, monitors, plugins,
                requires);
    }

    public ClusterConfig withGroups(List<GroupConfig> g) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, resources, g, policies, monitors, plugins,
                requires);
    }

    public ClusterConfig withResources(List<ResourceConfig> r) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, r, groups, policies, monitors,
                plugins, requires);
    }

    public ClusterConfig withMonitors(List<MonitorConfig> m) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, resources, groups, policies, m, plugins,
                requires);
    }

    public ClusterConfig withPlugins(List<String> p) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, resources, groups, policies, monitors, p,
                requires);
    }

    /** The same snapshot declaring that only nodes of protocol level {@code level} or above may hold it. */
    public ClusterConfig withRequires(int level) {
        return new ClusterConfig(version, epoch, clusterName, nodes, links, resources, groups, policies, monitors,
                plugins, level);
    }

    public Map<NodeId, VoterInfo> voters() {
        Map<NodeId, VoterInfo> m = new LinkedHashMap<>();
        for (NodeConfig n : nodes) {
            NodeId id = NodeId.of(n.id());
            m.put(id, new VoterInfo(id, n.role(), n.votes()));
        }
        return m;
    }

    /** Every configured node's mode (ha:node-standby / ha:node-online write it), for ClusterService.nodeModes(). */
    public Map<NodeId, NodeMode> nodeModes() {
        Map<NodeId, NodeMode> m = new LinkedHashMap<>();
        for (NodeConfig n : nodes) {
            m.put(NodeId.of(n.id()), n.mode());
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    public Map<NodeId, NodeRole> roles() {
        Map<NodeId, NodeRole> m = new LinkedHashMap<>();
        for (NodeConfig n : nodes) {
            m.put(NodeId.of(n.id()), n.role());
        }
        return m;
    }
}
