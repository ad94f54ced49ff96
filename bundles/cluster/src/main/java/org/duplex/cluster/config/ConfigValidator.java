package org.duplex.cluster.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.model.NodeRole;

/**
 * Semantic checks of a cluster configuration; every problem is reported with its field path. Of the failover
 * sections (resources, groups, monitors) only names, duplicates and references are checked: what their parameters
 * and policy words mean is the failover bundle's, which refuses to save what it cannot use and keeps its last good
 * configuration (with a warning) when a committed version does not map.
 */
public final class ConfigValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private ConfigValidator() {
    }

    public static List<String> problems(ClusterConfig c) {
        List<String> p = new ArrayList<>();
        if (c.clusterName() == null || c.clusterName().isBlank()) {
            p.add("clusterName: must not be empty");
        }
        if (c.version() < 0) {
            p.add("version: must not be negative");
        }
        if (c.nodes().isEmpty()) {
            p.add("nodes: at least one node is required");
        }
        Map<String, NodeRole> nodes = new HashMap<>();
        for (int i = 0; i < c.nodes().size(); i++) {
            NodeConfig n = c.nodes().get(i);
            String at = "nodes[" + i + "]";
            if (n == null) {
                p.add(at + ": must not be null");
                continue;
            }
            if (!name(p, at + ".id", n.id())) {
                continue;
            }
            if (nodes.put(n.id(), n.role()) != null) {
                p.add(at + ".id: duplicate node '" + n.id() + "'");
            }
            if (n.votes() < 0 || n.votes() > 100) {
                p.add(at + ".votes: must be between 0 and 100, was " + n.votes());
            }
        }
        if (!c.nodes().isEmpty() && nodes.values().stream().noneMatch(r -> r == NodeRole.MEMBER)) {
            p.add("nodes: at least one node must have role MEMBER");
        }
        Set<String> links = new HashSet<>();
        for (int i = 0; i < c.links().size(); i++) {
            LinkConfig l = c.links().get(i);
            String at = "links[" + i + "]";
            if (l == null) {
                p.add(at + ": must not be null");
                continue;
            }
            if (name(p, at + ".id", l.id()) && !links.add(l.id())) {
                p.add(at + ".id: duplicate link '" + l.id() + "'");
            }
            if (l.kind() == null) {
                p.add(at + ".kind: required (udp, tcp, serial or disk)");
            }
        }
        Set<String> resources = new HashSet<>();
        for (int i = 0; i < c.resources().size(); i++) {
            ResourceConfig r = c.resources().get(i);
            String at = "resources[" + i + "]";
            if (r == null) {
                p.add(at + ": must not be null");
                continue;
            }
            if (name(p, at + ".id", r.id()) && !resources.add(r.id())) {
                p.add(at + ".id: duplicate resource '" + r.id() + "'");
            }
            if (r.type() == null || r.type().isBlank()) {
                p.add(at + ".type: required (the agent type, e.g. vip, process)");
            }
        }
        Set<String> groups = new HashSet<>();
        Map<String, String> resourceOwner = new HashMap<>();
        for (int i = 0; i < c.groups().size(); i++) {
            GroupConfig g = c.groups().get(i);
            String at = "groups[" + i + "]";
            if (g == null) {
                p.add(at + ": must not be null");
                continue;
            }
            if (name(p, at + ".id", g.id()) && !groups.add(g.id())) {
                p.add(at + ".id: duplicate group '" + g.id() + "'");
            }
            if (g.resources().isEmpty()) {
                p.add(at + ".resources: a group needs at least one resource");
            }
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < g.resources().size(); j++) {
                String r = g.resources().get(j);
                String rat = at + ".resources[" + j + "]";
                if (!resources.contains(r)) {
                    p.add(rat + ": unknown resource '" + r + "'");
                } else if (!seen.add(r)) {
                    p.add(rat + ": resource '" + r + "' listed twice");
                } else {
                    String other = resourceOwner.putIfAbsent(r, g.id());
                    if (other != null) {
                        p.add(rat + ": resource '" + r + "' already belongs to group '" + other + "'");
                    }
                }
            }
            if (g.nodes().isEmpty()) {
                p.add(at + ".nodes: a group needs at least one node in its priority list");
            }
            Set<String> seenNodes = new HashSet<>();
            for (int j = 0; j < g.nodes().size(); j++) {
                String n = g.nodes().get(j);
                String nat = at + ".nodes[" + j + "]";
                if (!nodes.containsKey(n)) {
                    p.add(nat + ": unknown node '" + n + "'");
                } else if (nodes.get(n) == NodeRole.WITNESS) {
                    p.add(nat + ": node '" + n + "' is a witness and cannot run resources");
                } else if (!seenNodes.add(n)) {
                    p.add(nat + ": node '" + n + "' listed twice");
                }
            }
        }
        Set<String> monitors = new HashSet<>();
        for (int i = 0; i < c.monitors().size(); i++) {
            MonitorConfig m = c.monitors().get(i);
            String at = "monitors[" + i + "]";
            if (m == null) {
                p.add(at + ": must not be null");
                continue;
            }
            if (name(p, at + ".id", m.id()) && !monitors.add(m.id())) {
                p.add(at + ".id: duplicate monitor '" + m.id() + "'");
            }
            if (m.type() == null || m.type().isBlank()) {
                p.add(at + ".type: required (the monitor type, e.g. ping)");
            }
            if (!"resource".equals(m.on()) && !"node".equals(m.on())) {
                p.add(at + ".on: must be resource (the target resource fails) or node (the node is not eligible "
                        + "for the target group), was " + (m.on() == null ? "missing" : "'" + m.on() + "'"));
            } else if (m.target() == null || m.target().isBlank()) {
                p.add(at + ".target: required (a " + ("node".equals(m.on()) ? "group" : "resource") + ")");
            } else if ("resource".equals(m.on()) && !resources.contains(m.target())) {
                p.add(at + ".target: unknown resource '" + m.target() + "'");
            } else if ("node".equals(m.on()) && !groups.contains(m.target())) {
                p.add(at + ".target: unknown group '" + m.target() + "'");
            }
        }
        for (int i = 0; i < c.plugins().size(); i++) {
            String name = c.plugins().get(i);
            if (!org.duplex.api.plugin.PluginSet.isPluginName(name)) {
                p.add("plugins[" + i + "]: '" + name + "' is not a plug-in feature name ("
                        + org.duplex.api.plugin.PluginSet.PREFIX + "NAME, lower case)");
            }
        }
        if (c.policies().stickiness() < 0) {
            p.add("policies.stickiness: must not be negative, was " + c.policies().stickiness());
        }
        if (c.policies().migrationThreshold() < 0) {
            p.add("policies.migrationThreshold: must not be negative, was " + c.policies().migrationThreshold());
        }
        return p;
    }

    public static ClusterConfig requireValid(ClusterConfig c) throws ConfigException {
        List<String> p = problems(c);
        if (!p.isEmpty()) {
            throw new ConfigException(p);
        }
        return c;
    }

    private static boolean name(List<String> p, String at, String value) {
        if (value == null || value.isBlank()) {
            p.add(at + ": required");
            return false;
        }
        if (!NAME.matcher(value).matches()) {
            p.add(at + ": invalid name '" + value + "' (1-63 letters, digits, '.', '_' or '-')");
            return false;
        }
        return true;
    }
}
