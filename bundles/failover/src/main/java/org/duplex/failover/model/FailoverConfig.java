package org.duplex.failover.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.agent.PromotableAgent;

import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;

/**
 * The whole failover configuration: resources, groups with their policies, cluster options. Immutable; the
 * {@code with...} methods return a validated copy. Group and resource names share one namespace.
 */
public record FailoverConfig(Map<ResourceId, Resource> resources, List<ResourceGroup> groups,
                             Map<ResourceId, GroupPolicy> policies, ClusterOptions options,
                             Map<ResourceId, MonitorBinding> monitors, Map<ResourceId, Placement> placements) {

    public static final FailoverConfig EMPTY = new FailoverConfig(Map.of(), List.of(), Map.of(),
            ClusterOptions.DEFAULT, Map.of(), Map.of());

    public FailoverConfig {
        resources = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(resources, "resources")));
        groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(policies, "policies")));
        Objects.requireNonNull(options, "options");
        monitors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(monitors, "monitors")));
        placements = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(placements,
                "placements")));
        List<String> problems = problems(resources, groups, policies);
        monitorProblems(problems, resources, groups, monitors);
        placementProblems(problems, groups, placements);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Without operator placements. */
    public FailoverConfig(Map<ResourceId, Resource> resources, List<ResourceGroup> groups,
                          Map<ResourceId, GroupPolicy> policies, ClusterOptions options,
                          Map<ResourceId, MonitorBinding> monitors) {
        this(resources, groups, policies, options, monitors, Map.of());
    }

    private static void placementProblems(List<String> problems, List<ResourceGroup> groups,
                                          Map<ResourceId, Placement> placements) {
        placements.forEach((id, p) -> {
            Optional<ResourceGroup> g = groups.stream().filter(x -> x.id().equals(id)).findFirst();
            if (g.isEmpty()) {
                problems.add("placement for unknown group " + id);
            } else if (!g.get().nodes().contains(p.node())) {
                problems.add("placement of group " + id + " on " + p.node() + ", which is not in its node list "
                        + g.get().nodes());
            }
        });
    }

    /** Without monitor bindings (the 1.1 shape). */
    public FailoverConfig(Map<ResourceId, Resource> resources, List<ResourceGroup> groups,
                          Map<ResourceId, GroupPolicy> policies, ClusterOptions options) {
        this(resources, groups, policies, options, Map.of());
    }

    private static void monitorProblems(List<String> problems, Map<ResourceId, Resource> resources,
                                        List<ResourceGroup> groups, Map<ResourceId, MonitorBinding> monitors) {
        monitors.forEach((id, m) -> {
            if (!id.equals(m.id())) {
                problems.add("monitor keyed " + id + " is named " + m.id());
            }
            if (m.on() == MonitorBinding.Scope.RESOURCE && !resources.containsKey(m.target())) {
                problems.add("monitor " + m.id() + " is bound (on=resource) to unknown resource " + m.target());
            }
            if (m.on() == MonitorBinding.Scope.NODE && groups.stream().noneMatch(g -> g.id().equals(m.target()))) {
                problems.add("monitor " + m.id() + " is bound (on=node) to unknown group " + m.target());
            }
        });
    }

    /** {@code promotable=true}: the engine runs the resource as a primary plus standbys (see PromotableAgent). */
    public static boolean isPromotable(Resource r) {
        return "true".equalsIgnoreCase(r.params().getOrDefault(PromotableAgent.PROMOTABLE_PARAM, "false").strip());
    }

    /** The engine's own parameters of a promotable resource; each problem names its parameter. */
    private static Optional<String> promotableProblem(Resource r) {
        String p = r.params().getOrDefault(PromotableAgent.PROMOTABLE_PARAM, "false").strip();
        if (!p.equalsIgnoreCase("true") && !p.equalsIgnoreCase("false")) {
            return Optional.of("resource " + r.id() + ": " + PromotableAgent.PROMOTABLE_PARAM
                    + " must be true or false, was " + p);
        }
        String lag = r.params().get(PromotableAgent.MAX_LAG_PARAM);
        if (lag != null) {
            long v;
            try {
                v = Long.parseLong(lag.strip());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0) {
                return Optional.of("resource " + r.id() + ": " + PromotableAgent.MAX_LAG_PARAM
                        + " must be a whole number of the agent's position unit (bytes of WAL for postgresql), was "
                        + lag);
            }
        }
        String force = r.params().get(PromotableAgent.FORCE_PARAM);
        if ((lag != null || force != null) && !isPromotable(r)) {
            return Optional.of("resource " + r.id() + ": " + (lag != null ? PromotableAgent.MAX_LAG_PARAM
                    : PromotableAgent.FORCE_PARAM) + " needs " + PromotableAgent.PROMOTABLE_PARAM + "=true");
        }
        return Optional.empty();
    }

    private static List<String> problems(Map<ResourceId, Resource> resources, List<ResourceGroup> groups,
                                         Map<ResourceId, GroupPolicy> policies) {
        List<String> problems = new ArrayList<>();
        resources.forEach((id, r) -> {
            if (!id.equals(r.id())) {
                problems.add("resource keyed " + id + " is named " + r.id());
            }
            promotableProblem(r).ifPresent(problems::add);
        });
        Set<ResourceId> groupIds = new HashSet<>();
        Map<ResourceId, ResourceId> owner = new LinkedHashMap<>();
        for (ResourceGroup g : groups) {
            if (!groupIds.add(g.id())) {
                problems.add("group " + g.id() + " is defined twice");
            }
            if (resources.containsKey(g.id())) {
                problems.add("group " + g.id() + " has the name of a resource");
            }
            List<ResourceId> promotable = g.resources().stream().filter(r -> resources.containsKey(r)
                    && isPromotable(resources.get(r))).toList();
            if (promotable.size() > 1) {
                problems.add("group " + g.id() + " has more than one promotable resource " + promotable
                        + ": the group is active where its one primary runs");
            }
            for (ResourceId r : g.resources()) {
                if (!resources.containsKey(r)) {
                    problems.add("group " + g.id() + " lists unknown resource " + r);
                }
                ResourceId previous = owner.put(r, g.id());
                if (previous != null && !previous.equals(g.id())) {
                    problems.add("resource " + r + " is in both group " + previous + " and group " + g.id());
                }
            }
        }
        policies.forEach((id, p) -> {
            if (!groupIds.contains(id)) {
                problems.add("policy for unknown group " + id);
            }
            for (Colocation c : p.colocations()) {
                if (!groupIds.contains(c.other())) {
                    problems.add("group " + id + " has a colocation with unknown group " + c.other());
                }
                if (c.other().equals(id)) {
                    problems.add("group " + id + " has a colocation with itself");
                }
            }
        });
        // "with" chains must not loop, or no group of the loop could ever be placed first
        for (ResourceId start : groupIds) {
            ResourceId cur = start;
            Set<ResourceId> seen = new HashSet<>();
            while (cur != null && seen.add(cur)) {
                GroupPolicy p = policies.getOrDefault(cur, GroupPolicy.DEFAULT);
                cur = p.colocations().stream().filter(c -> c.kind() == Colocation.Kind.WITH)
                        .map(Colocation::other).findFirst().orElse(null);
            }
            if (cur != null && cur.equals(start)) {
                problems.add("colocation 'with' chain loops through group " + start);
            }
        }
        return problems;
    }

    public GroupPolicy policyOf(ResourceId group) {
        return policies.getOrDefault(group, GroupPolicy.DEFAULT);
    }

    public Optional<ResourceGroup> group(ResourceId id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The group a resource belongs to, if any. */
    public Optional<ResourceGroup> groupOf(ResourceId resource) {
        return groups.stream().filter(g -> g.resources().contains(resource)).findFirst();
    }

    public FailoverConfig withResource(Resource resource) {
        Map<ResourceId, Resource> copy = new LinkedHashMap<>(resources);
        copy.put(resource.id(), resource);
        return new FailoverConfig(copy, groups, policies, options, monitors, placements);
    }

    /** Removes a resource; refused while a group still lists it. */
    public FailoverConfig withoutResource(ResourceId id) {
        if (!resources.containsKey(id)) {
            throw new IllegalArgumentException("no resource " + id);
        }
        groupOf(id).ifPresent(g -> {
            throw new IllegalArgumentException("resource " + id + " is in group " + g.id()
                    + ": remove it from the group (or remove the group) first");
        });
        refuseWhileBound(id, MonitorBinding.Scope.RESOURCE, "resource");
        Map<ResourceId, Resource> copy = new LinkedHashMap<>(resources);
        copy.remove(id);
        return new FailoverConfig(copy, groups, policies, options, monitors, placements);
    }

    /** Adds or replaces a group and its policy. */
    public FailoverConfig withGroup(ResourceGroup group, GroupPolicy policy) {
        List<ResourceGroup> copy = new ArrayList<>(groups);
        copy.removeIf(g -> g.id().equals(group.id()));
        copy.add(group);
        Map<ResourceId, GroupPolicy> pol = new LinkedHashMap<>(policies);
        pol.put(group.id(), policy);
        // a preference for a node the new list no longer has is dropped (droppedPlacement says which)
        Map<ResourceId, Placement> pl = new LinkedHashMap<>(placements);
        Placement p = pl.get(group.id());
        if (p != null && !group.nodes().contains(p.node())) {
            pl.remove(group.id());
        }
        return new FailoverConfig(resources, copy, pol, options, monitors, pl);
    }

    public FailoverConfig withoutGroup(ResourceId id) {
        if (group(id).isEmpty()) {
            throw new IllegalArgumentException("no group " + id);
        }
        for (Map.Entry<ResourceId, GroupPolicy> e : policies.entrySet()) {
            if (!e.getKey().equals(id) && e.getValue().colocations().stream().anyMatch(c -> c.other().equals(id))) {
                throw new IllegalArgumentException("group " + e.getKey() + " has a colocation with " + id
                        + ": change that group first");
            }
        }
        refuseWhileBound(id, MonitorBinding.Scope.NODE, "group");
        List<ResourceGroup> copy = new ArrayList<>(groups);
        copy.removeIf(g -> g.id().equals(id));
        Map<ResourceId, GroupPolicy> pol = new LinkedHashMap<>(policies);
        pol.remove(id);
        Map<ResourceId, Placement> pl = new LinkedHashMap<>(placements);
        pl.remove(id);
        return new FailoverConfig(resources, copy, pol, options, monitors, pl);
    }

    /** The operator's preference for {@code group}, if any ({@code ha:switchover}). */
    public Optional<Placement> placementOf(ResourceId group) {
        return Optional.ofNullable(placements.get(group));
    }

    /** Sets the operator's preference for a group (its node must be in the group's list). */
    public FailoverConfig withPlacement(ResourceId group, Placement placement) {
        ResourceGroup g = group(group).orElseThrow(() -> new IllegalArgumentException("no group " + group));
        if (!g.nodes().contains(placement.node())) {
            throw new IllegalArgumentException(placement.node() + " is not in the node list of " + group + " "
                    + g.nodes());
        }
        Map<ResourceId, Placement> pl = new LinkedHashMap<>(placements);
        pl.put(group, placement);
        return new FailoverConfig(resources, groups, policies, options, monitors, pl);
    }

    /** Removes the operator's preference for a group (nothing when it has none). */
    public FailoverConfig withoutPlacement(ResourceId group) {
        if (!placements.containsKey(group)) {
            return this;
        }
        Map<ResourceId, Placement> pl = new LinkedHashMap<>(placements);
        pl.remove(group);
        return new FailoverConfig(resources, groups, policies, options, monitors, pl);
    }

    /**
     * The preference {@code updated} lost compared with this configuration because the group's node list no
     * longer has its node (what {@link #withGroup} drops), for a log line.
     */
    public Optional<Placement> droppedPlacement(FailoverConfig updated, ResourceId group) {
        Placement before = placements.get(group);
        if (before == null || updated.placementOf(group).isPresent() || updated.group(group).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(before);
    }

    /**
     * The node list the engine places {@code g} by: the configured list with the operator's preferred node moved
     * to the front; the configured list when there is no preference.
     */
    public List<org.duplex.api.model.NodeId> effectiveNodes(ResourceGroup g) {
        Placement p = placements.get(g.id());
        if (p == null || !g.nodes().contains(p.node())) {
            return g.nodes();
        }
        List<org.duplex.api.model.NodeId> order = new ArrayList<>(g.nodes());
        order.remove(p.node());
        order.add(0, p.node());
        return List.copyOf(order);
    }

    /**
     * This configuration with every placed group's node list in {@link #effectiveNodes} order: what the policy
     * engine plans with. The placements are kept (so plan notes can name them).
     */
    public FailoverConfig withPlacementsApplied() {
        if (placements.isEmpty()) {
            return this;
        }
        List<ResourceGroup> copy = groups.stream().map(g -> placements.containsKey(g.id())
                ? new ResourceGroup(g.id(), g.resources(), effectiveNodes(g)) : g).toList();
        return new FailoverConfig(resources, copy, policies, options, monitors, placements);
    }

    public FailoverConfig withOptions(ClusterOptions newOptions) {
        return new FailoverConfig(resources, groups, policies, newOptions, monitors, placements);
    }

    /** Adds or replaces a monitor binding (its target must exist). */
    public FailoverConfig withMonitor(MonitorBinding monitor) {
        Map<ResourceId, MonitorBinding> copy = new LinkedHashMap<>(monitors);
        copy.put(monitor.id(), monitor);
        return new FailoverConfig(resources, groups, policies, options, copy, placements);
    }

    public FailoverConfig withoutMonitor(ResourceId id) {
        if (!monitors.containsKey(id)) {
            throw new IllegalArgumentException("no monitor " + id);
        }
        Map<ResourceId, MonitorBinding> copy = new LinkedHashMap<>(monitors);
        copy.remove(id);
        return new FailoverConfig(resources, groups, policies, options, copy, placements);
    }

    /** The bindings of one scope whose target is {@code target}, in configuration order. */
    public List<MonitorBinding> monitorsOn(MonitorBinding.Scope scope, ResourceId target) {
        return monitors.values().stream().filter(m -> m.on() == scope && m.target().equals(target)).toList();
    }

    private void refuseWhileBound(ResourceId id, MonitorBinding.Scope scope, String what) {
        List<MonitorBinding> bound = monitorsOn(scope, id);
        if (!bound.isEmpty()) {
            throw new IllegalArgumentException(what + " " + id + " has monitor " + bound.get(0).id()
                    + " bound to it: ha:monitor-remove " + bound.get(0).id() + " first");
        }
    }
}
