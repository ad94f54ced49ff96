package org.duplex.failover.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.config.Tokens;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.MonitorBinding;
import org.duplex.failover.policy.Action;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.service.FailoverService;

/**
 * The logic behind the ha: failover commands, free of Karaf types so tests drive it directly. Every method
 * returns the text to print; invalid input throws {@link IllegalArgumentException} with a message for the user.
 */
public final class Commands {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Commands.class);

    private final FailoverService service;

    public Commands(FailoverService service) {
        this.service = service;
    }

    public String resourceAdd(String name, String type, List<String> params, boolean replace) throws Exception {
        List<String> words = new ArrayList<>();
        words.add(name);
        words.add("type=" + type);
        if (params != null) {
            words.addAll(params);
        }
        Resource r = ConfigText.resource(words);
        FailoverConfig cfg = service.store().load();
        if (cfg.resources().containsKey(r.id()) && !replace) {
            throw new IllegalArgumentException("resource " + r.id() + " exists; use -f to replace it");
        }
        Optional<ResourceAgent> agent = service.agent(type);
        String note = "";
        if (agent.isPresent()) {
            List<String> problems = agent.get().validate(r, r.timeouts().validate());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("agent " + type + " rejects " + r.id() + ":\n  "
                        + String.join("\n  ", problems));
            }
        } else {
            note = "\nwarning: no agent of type '" + type + "' on this node yet (installed types are checked at start)";
        }
        service.store().save(cfg, cfg.withResource(r));
        service.trigger();
        return ConfigText.resource(r) + note;
    }

    public String resourceRemove(String name) throws Exception {
        FailoverConfig cfg = service.store().load();
        service.store().save(cfg, cfg.withoutResource(ResourceId.of(name)));
        return "resource " + name + " removed";
    }

    public String resourceShow(Optional<String> name) {
        FailoverConfig cfg = service.store().load();
        StringBuilder sb = new StringBuilder();
        Map<NodeId, Map<ResourceId, ResourceState>> states = service.states();
        List<Failure> failures = service.failures();
        for (Resource r : cfg.resources().values()) {
            if (name.isPresent() && !name.get().equals(r.id().value())) {
                continue;
            }
            sb.append(ConfigText.resource(r)).append('\n');
            sb.append("    group: ").append(cfg.groupOf(r.id()).map(g -> g.id().toString()).orElse("(none)"));
            sb.append("  agent: ").append(service.agent(r.type()).isPresent() ? "present" : "MISSING").append('\n');
            states.forEach((n, m) -> {
                ResourceState st = m.get(r.id());
                if (st != null) {
                    long f = failures.stream().filter(x -> x.node().equals(n) && x.resource().equals(r.id())).count();
                    sb.append("    ").append(n).append(": ").append(st.name().toLowerCase())
                            .append(f > 0 ? ", " + f + " failure(s)" : "").append('\n');
                }
            });
        }
        if (sb.length() == 0) {
            return name.map(n -> "no resource " + n).orElse("no resources; add one with ha:resource-add");
        }
        return sb.toString().stripTrailing();
    }

    public String groupAdd(String name, List<String> settings, boolean replace) throws Exception {
        List<String> words = new ArrayList<>();
        words.add(name);
        if (settings != null) {
            words.addAll(settings);
        }
        ConfigText.GroupDef def = ConfigText.group(words);
        FailoverConfig cfg = service.store().load();
        if (cfg.group(def.group().id()).isPresent() && !replace) {
            throw new IllegalArgumentException("group " + name + " exists; use -f to replace it");
        }
        FailoverConfig updated = cfg.withGroup(def.group(), def.policy());
        service.store().save(cfg, updated);
        service.trigger();
        String dropped = cfg.droppedPlacement(updated, def.group().id()).map(p -> {
            String line = "operator placement of " + name + " on " + p.describe() + " dropped: " + p.node()
                    + " is no longer in its node list";
            LOG.info(line);
            return "\n" + line;
        }).orElse("");
        return ConfigText.group(def.group(), def.policy()) + dropped;
    }

    public String groupRemove(String name) throws Exception {
        FailoverConfig cfg = service.store().load();
        ResourceId id = ResourceId.of(name);
        ResourceGroup g = cfg.group(id).orElseThrow(() -> new IllegalArgumentException("no group " + name));
        boolean running = service.states().values().stream().anyMatch(m -> g.resources().stream()
                .anyMatch(r -> m.getOrDefault(r, ResourceState.STOPPED) != ResourceState.STOPPED));
        if (running) {
            throw new IllegalArgumentException("group " + name + " still runs somewhere: stop it first "
                    + "(ha:group-add " + name + " ... managed=false leaves it alone instead)");
        }
        service.store().save(cfg, cfg.withoutGroup(id));
        return "group " + name + " removed (its resources remain; ha:resource-remove them if unused)";
    }

    public String groupShow(Optional<String> name) {
        FailoverConfig cfg = service.store().load();
        StringBuilder sb = new StringBuilder(ConfigText.options(cfg.options())).append('\n');
        Map<NodeId, Map<ResourceId, ResourceState>> states = service.states();
        Optional<Plan> plan;
        try {
            plan = Optional.of(service.plan());
        } catch (RuntimeException e) {
            plan = Optional.empty();
        }
        for (ResourceGroup g : cfg.groups()) {
            if (name.isPresent() && !name.get().equals(g.id().value())) {
                continue;
            }
            sb.append(ConfigText.group(g, cfg.policyOf(g.id()))).append('\n');
            cfg.placementOf(g.id()).ifPresent(p -> sb.append("    PLACED on ").append(p.describe())
                    .append(": the engine treats it as first in the node list; ha:switchover --clear ")
                    .append(g.id()).append(" removes the placement\n"));
            plan.ifPresent(p -> p.actions().stream()
                    .filter(a -> a.op() == Action.Op.BLOCK && a.group().filter(g.id()::equals).isPresent())
                    .forEach(a -> sb.append("    BLOCKED: ").append(a.reason()).append('\n')));
            var results = service.monitorResults();
            for (MonitorBinding m : cfg.monitors().values()) {
                if (m.on() != MonitorBinding.Scope.NODE || !m.target().equals(g.id()) && !m.reboots()) {
                    continue; // on-fail=reboot bans its node from every group that lists it
                }
                results.forEach((n, byMonitor) -> {
                    var r = byMonitor.get(m.id());
                    if (r != null && r.state() == ResourceState.FAILED && g.nodes().contains(n)) {
                        sb.append("    NOT ELIGIBLE ").append(n).append(": ").append(r.result().reason()).append('\n');
                    }
                });
            }
            states.forEach((n, m) -> {
                List<String> here = g.resources().stream()
                        .filter(r -> m.getOrDefault(r, ResourceState.STOPPED) != ResourceState.STOPPED)
                        .map(r -> r + "=" + m.get(r).name().toLowerCase()).toList();
                if (!here.isEmpty()) {
                    sb.append("    on ").append(n).append(": ").append(String.join(" ", here)).append('\n');
                }
            });
        }
        return sb.toString().stripTrailing();
    }

    /**
     * The failover part of {@code ha:status}: where each group runs (or that it is stopped or blocked, and why),
     * then each bound monitor's results that need a look, in the monitor's own words. Empty with nothing configured.
     */
    /**
     * For the promotable member of {@code g}, one line per node that reported on it: role, position, how far a copy
     * is behind the primary (or the most advanced copy when no node reports primary), whom it follows, and how old
     * the report is ("db node2 standby 0/3000060, 96 B behind node1, following node1, 2 s ago").
     */
    static List<String> replicaLines(FailoverConfig cfg, ResourceGroup g,
                                     Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas,
                                     java.time.Instant now) {
        List<String> out = new ArrayList<>();
        for (ResourceId r : g.resources()) {
            var res = cfg.resources().get(r);
            Map<NodeId, org.duplex.failover.policy.ReplicaReport> m = replicas.getOrDefault(r, Map.of());
            if (res == null || !FailoverConfig.isPromotable(res) || m.isEmpty()) {
                continue;
            }
            Map<NodeId, org.duplex.failover.policy.ReplicaReport> byNode = new java.util.TreeMap<>(
                    java.util.Comparator.comparing(NodeId::toString));
            byNode.putAll(m);
            // the reference: the newest report of a running primary, else the most advanced position reported
            Optional<Map.Entry<NodeId, org.duplex.failover.policy.ReplicaReport>> primary = byNode.entrySet().stream()
                    .filter(e -> e.getValue().status().role() == org.duplex.api.agent.ReplicaStatus.Role.PRIMARY
                            && e.getValue().status().position().isPresent())
                    .max(java.util.Comparator.comparing(e -> e.getValue().at()));
            Optional<Map.Entry<NodeId, org.duplex.failover.policy.ReplicaReport>> ref = primary.isPresent() ? primary
                    : byNode.entrySet().stream().filter(e -> e.getValue().status().position().isPresent())
                    .max(java.util.Comparator.comparing(e -> e.getValue().status().position().orElseThrow()));
            byNode.forEach((n, rep) -> {
                var st = rep.status();
                StringBuilder line = new StringBuilder(r + " " + n + " "
                        + st.role().name().toLowerCase(java.util.Locale.ROOT));
                st.position().ifPresent(p -> line.append(' ').append(p.text()));
                if (st.position().isEmpty()) {
                    line.append(" (position unknown)");
                }
                if (ref.isPresent() && st.position().isPresent() && !ref.get().getKey().equals(n)) {
                    var ahead = ref.get().getValue().status().position().orElseThrow();
                    long behind = st.position().get().behind(ahead);
                    line.append(behind == 0 ? ", not behind " : behind == Long.MAX_VALUE
                            ? ", on an older " + "generation than " : ", " + amount(behind, ahead.unit())
                            + " behind ").append(ref.get().getKey());
                }
                st.following().ifPresent(f -> line.append(", following ").append(f));
                long ago = Math.max(0, java.time.Duration.between(rep.at(), now).toSeconds());
                line.append(", reported ").append(ago).append(" s ago");
                out.add(line.toString());
            });
        }
        return out;
    }

    private static String amount(long n, String unit) {
        if (!unit.startsWith("bytes")) {
            return n + " " + unit;
        }
        String of = unit.substring("bytes".length()); // " of WAL"
        return (n < 1024 ? n + " B" : n < 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024))) + of;
    }

    public String statusSection() {
        FailoverConfig cfg = service.store().load();
        String unusable = service.store() instanceof org.duplex.failover.replicated.ReplicatedFailoverConfigStore r
                ? r.problem().orElse("") : "";
        if (cfg.groups().isEmpty() && cfg.monitors().isEmpty() && unusable.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (!unusable.isEmpty()) {
            sb.append("WARNING: ").append(unusable).append(String.format("%n"));
        }
        if (!cfg.groups().isEmpty()) {
            Map<NodeId, Map<ResourceId, ResourceState>> states = new java.util.TreeMap<>(
                    java.util.Comparator.comparing(NodeId::toString));
            states.putAll(service.states());
            Optional<Plan> plan;
            try {
                plan = Optional.of(service.plan());
            } catch (RuntimeException e) {
                plan = Optional.empty();
            }
            sb.append(String.format("%-16s %s%n", "GROUP", "WHERE"));
            for (ResourceGroup g : cfg.groups()) {
                List<String> where = new ArrayList<>();
                states.forEach((n, m) -> {
                    List<String> here = g.resources().stream()
                            .filter(r -> m.getOrDefault(r, ResourceState.STOPPED) != ResourceState.STOPPED)
                            .map(r -> r + "=" + m.get(r).name().toLowerCase()).toList();
                    boolean allRunning = g.resources().stream()
                            .allMatch(r -> m.getOrDefault(r, ResourceState.STOPPED) == ResourceState.RUNNING);
                    if (allRunning) {
                        where.add("running on " + n);
                    } else if (!here.isEmpty()) {
                        where.add("on " + n + ": " + String.join(" ", here));
                    }
                });
                sb.append(String.format("%-16s %s%n", g.id(), where.isEmpty() ? "stopped" : String.join("; ", where)));
                cfg.placementOf(g.id()).ifPresent(p -> sb.append(String.format("%-16s PLACED on %s "
                        + "(ha:switchover --clear %s)%n", "", p.describe(), g.id())));
                replicaLines(cfg, g, service.replicas(), java.time.Instant.now())
                        .forEach(line -> sb.append(String.format("%-16s %s%n", "", line)));
                plan.ifPresent(p -> p.actions().stream()
                        .filter(a -> a.op() == Action.Op.BLOCK && a.group().filter(g.id()::equals).isPresent())
                        .forEach(a -> sb.append(String.format("%-16s BLOCKED: %s%n", "", a.reason()))));
            }
        }
        if (!cfg.monitors().isEmpty()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            var results = service.monitorResults();
            sb.append(String.format("%-16s %-28s %s%n", "MONITOR", "BINDING", "RESULT"));
            for (MonitorBinding m : cfg.monitors().values()) {
                String binding = m.type() + " on=" + (m.on() == MonitorBinding.Scope.RESOURCE ? "resource" : "node")
                        + " " + m.target();
                List<String> look = new ArrayList<>();
                List<String> fine = new ArrayList<>();
                new java.util.TreeMap<>(results.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        e -> e.getKey().toString(), Map.Entry::getValue))).forEach((n, byMonitor) -> {
                            var r = byMonitor.get(m.id());
                            if (r == null) {
                                return;
                            }
                            String reason = r.result().reason();
                            if (reason.startsWith("HEALTHY") || reason.startsWith("PENDING")) {
                                fine.add(n);
                            } else {
                                look.add(n + ": " + reason);
                            }
                        });
                if (service.monitorType(m.type()).isEmpty()) {
                    look.add(0, "type " + m.type() + " MISSING on this node (no failover from it)");
                }
                String result = look.isEmpty() ? (fine.isEmpty() ? "no results yet" : "healthy on "
                        + String.join(", ", fine)) : String.join("\n" + " ".repeat(46), look);
                sb.append(String.format("%-16s %-28s %s%n", m.id(), binding, result));
            }
        }
        return sb.toString().stripTrailing();
    }

    // ---- bound monitors -----------------------------------------------------------------------------------

    /**
     * {@code ha:monitor-add NAME TYPE on=resource|node target=X [interval=..] [timeout=..] [count=..] key=value...}:
     * the parameters are checked by the monitor type's {@code validate} when the type is installed here; a missing
     * type is a warning (the binding shows "monitor type missing" and causes no failover until it arrives).
     */
    public String monitorAdd(String name, String type, List<String> params, boolean replace) throws Exception {
        List<String> words = new ArrayList<>();
        words.add(name);
        words.add("type=" + type);
        if (params != null) {
            words.addAll(params);
        }
        MonitorBinding m = ConfigText.monitor(words);
        FailoverConfig cfg = service.store().load();
        if (cfg.monitors().containsKey(m.id()) && !replace) {
            throw new IllegalArgumentException("monitor " + m.id() + " exists; use -f to replace it");
        }
        FailoverConfig updated;
        try {
            updated = cfg.withMonitor(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(m.on() == MonitorBinding.Scope.RESOURCE
                    ? "monitor " + m.id() + ": no resource " + m.target() + " (on=resource binds to a resource; "
                    + "resources: " + cfg.resources().keySet() + ")"
                    : "monitor " + m.id() + ": no group " + m.target() + " (on=node binds to a group; groups: "
                    + cfg.groups().stream().map(g -> g.id().toString()).toList() + ")");
        }
        Optional<ResourceMonitor> monitor = service.monitorType(type);
        String note = "";
        if (monitor.isPresent()) {
            List<String> problems;
            try {
                problems = monitor.get().validate(m.params());
            } catch (RuntimeException e) {
                problems = List.of("validate threw " + e);
            }
            if (problems != null && !problems.isEmpty()) {
                throw new IllegalArgumentException("monitor type " + type + " rejects the parameters of " + m.id()
                        + ":\n  " + String.join("\n  ", problems));
            }
        } else {
            note = "\nwarning: no monitor of type '" + type + "' on this node (ha:monitors lists the installed "
                    + "types); until it is installed the binding shows 'monitor type missing' and causes no failover";
        }
        service.store().save(cfg, updated);
        service.trigger();
        return ConfigText.monitor(m) + "\n    " + meaning(m) + note;
    }

    public String monitorRemove(String name) throws Exception {
        FailoverConfig cfg = service.store().load();
        service.store().save(cfg, cfg.withoutMonitor(ResourceId.of(name)));
        service.trigger();
        return "monitor " + name + " removed";
    }

    /** {@code ha:monitor-show [NAME]}: bindings, whether their type is installed here, the latest result per node. */
    public String monitorShow(Optional<String> name) {
        FailoverConfig cfg = service.store().load();
        var results = service.monitorResults();
        StringBuilder sb = new StringBuilder();
        for (MonitorBinding m : cfg.monitors().values()) {
            if (name.isPresent() && !name.get().equals(m.id().value())) {
                continue;
            }
            sb.append(ConfigText.monitor(m)).append('\n');
            sb.append("    ").append(meaning(m)).append('\n');
            sb.append("    type ").append(m.type()).append(": ").append(service.monitorType(m.type()).isPresent()
                    ? "installed on this node" : "MISSING on this node (monitor type missing: no failover from it)")
                    .append('\n');
            boolean any = false;
            for (var e : results.entrySet()) {
                var r = e.getValue().get(m.id());
                if (r != null) {
                    any = true;
                    sb.append("    ").append(e.getKey()).append(": ").append(r.result().reason()).append(" (at ")
                            .append(r.at()).append(")\n");
                }
            }
            if (!any) {
                sb.append("    no results yet").append(m.on() == MonitorBinding.Scope.RESOURCE
                        ? " (it runs on the node running " + m.target() + ")" : "").append('\n');
            }
        }
        if (sb.length() == 0) {
            return name.map(n -> "no monitor " + n).orElse("no monitors bound; bind one with ha:monitor-add "
                    + "(ha:monitors lists the installed types)");
        }
        return sb.toString().stripTrailing();
    }

    /** What a failure of the binding does, in words (ha:monitor-show, and the API's monitor list). */
    public static String meaning(MonitorBinding m) {
        return m.on() == MonitorBinding.Scope.RESOURCE
                ? "on=resource: after " + m.count() + " failed check(s) in a row, resource " + m.target()
                + " fails on its node (its group's policy applies: restart, then move at the migration threshold)"
                : m.reboots() ? "on=node on-fail=reboot: a node of group " + m.target() + " failing " + m.count()
                + " check(s) in a row is not eligible for any group until a check passes; once nothing runs there "
                + "it reboots itself (at most reboot.max times per reboot.window, then it only stays ineligible)"
                : "on=node: a node failing " + m.count() + " check(s) in a row is not eligible for group "
                + m.target() + " (it moves away, and is not placed there) until a check passes";
    }

    /** Runs on the coordinator: here when this node is it, else forwarded to it and answered with its text. */
    public String switchover(String group, Optional<String> node) throws Exception {
        return switchover(group, node, false, false);
    }

    /**
     * {@code ha:switchover}: by default an operator placement on the target (the node list is kept); with
     * {@code reorder} the target goes to the front of the node list; with {@code clear} the group's placement is
     * removed (no node, no reorder). Runs on the coordinator, forwarded there when need be.
     */
    public String switchover(String group, Optional<String> node, boolean reorder, boolean clear) throws Exception {
        ResourceId.of(group); // a malformed name is refused here, before anything is forwarded
        if (clear && (reorder || node.isPresent())) {
            throw new IllegalArgumentException("--clear takes only the group: ha:switchover --clear " + group);
        }
        Optional<NodeId> coordinator = service.forwardTo();
        if (coordinator.isPresent()) {
            List<String> args = new ArrayList<>(List.of(group));
            node.ifPresent(args::add);
            if (reorder) {
                args.add(REORDER);
            }
            if (clear) {
                args.add(CLEAR);
            }
            return "forwarded to the coordinator " + coordinator.get() + ":\n" + service.forward("switchover", args);
        }
        return clear ? clearHere(group, service.origin(), "") : switchoverHere(group, node, reorder,
                service.origin(), "");
    }

    /** The flags a forwarded switchover carries after its group and node. */
    static final String REORDER = "--reorder";
    static final String CLEAR = "--clear";

    String switchoverHere(String group, Optional<String> node, boolean reorder, String by, String origin)
            throws Exception {
        var r = service.switchover(ResourceId.of(group), node.map(NodeId::of), reorder, by);
        return group + " switched over from " + r.from() + " to " + r.to() + ": outage " + r.outage().toMillis()
                + " ms" + (origin.isEmpty() ? "" : " (asked by " + origin + ")") + "\n  "
                + String.join("\n  ", r.steps()) + "\n" + r.placement();
    }

    /** Removes the group's placement on this node (the coordinator); {@code origin} non-empty when forwarded. */
    public String clearHere(String group, String by, String origin) throws Exception {
        var removed = service.clearPlacement(ResourceId.of(group), by);
        String asked = origin.isEmpty() ? "" : " (asked by " + origin + ")";
        return removed.map(p -> group + ": placement on " + p.describe() + " cleared" + asked + "; the engine "
                + "places it by its node priority, stickiness and failback policy again (ha:simulate shows where)")
                .orElse(group + " has no operator placement" + asked + "; nothing changed");
    }

    /** Cluster-wide: the coordinator's failure counts decide, so the cleanup runs there (forwarded if need be). */
    public String cleanup(String resource) throws Exception {
        ResourceId.of(resource); // a malformed name is refused here, before anything is forwarded
        Optional<NodeId> coordinator = service.forwardTo();
        if (coordinator.isPresent()) {
            return "forwarded to the coordinator " + coordinator.get() + ":\n"
                    + service.forward("cleanup", List.of(resource));
        }
        return cleanupHere(resource, "");
    }

    String cleanupHere(String resource, String origin) {
        ResourceId id = ResourceId.of(resource);
        if (!service.store().load().resources().containsKey(id)) {
            throw new IllegalArgumentException("no resource " + resource);
        }
        int n = service.cleanup(id);
        return resource + ": " + n + " failure(s) forgotten" + (origin.isEmpty() ? "" : " (asked by " + origin + ")")
                + "; failed or blocked copies will be probed again";
    }

    public String history(Optional<String> group, int last) {
        var entries = service.history(group.map(ResourceId::of));
        if (entries.isEmpty()) {
            return "no history" + group.map(g -> " for " + g).orElse("");
        }
        StringBuilder sb = new StringBuilder();
        entries.subList(Math.max(0, entries.size() - last), entries.size())
                .forEach(e -> sb.append(e.render()).append('\n'));
        return sb.toString().stripTrailing();
    }

    public String simulate(Optional<String> failNode) {
        var sim = service.simulate(failNode.map(NodeId::of));
        return (failNode.map(n -> "if " + n + " failed now, the engine would:\n")
                .orElse("the engine would now:\n")) + sim.plan().render().stripTrailing()
                + "\nplacement afterwards: " + (sim.placement().isEmpty() ? "(no groups)" : sim.placement())
                + "\n(nothing was done)";
    }

    /** {@code ha:fence NODE [--action off|on|status]}: every device's exit code and output. */
    public String fence(String node, Optional<String> action) throws InterruptedException {
        NodeId id = NodeId.of(node);
        FenceAction a = FenceAction.parse(action.orElse("off"));
        List<FenceResult> results = service.fence(id, a);
        StringBuilder sb = new StringBuilder();
        for (FenceResult r : results) {
            sb.append(r.device()).append(": ").append(a.word()).append(' ').append(id).append(" -> ")
                    .append(r.timedOut() ? "TIMED OUT (killed)" : "exit " + r.exit())
                    .append(a == FenceAction.STATUS ? " (" + r.status() + ")" : r.ok() ? " (ok)" : " (FAILED)")
                    .append(", ").append(r.elapsed().toMillis()).append(" ms\n");
            sb.append("    output: ").append(r.output().isBlank() ? "(none)" : r.output()).append('\n');
        }
        boolean ok = results.stream().anyMatch(FenceResult::ok);
        if (a == FenceAction.OFF) {
            sb.append(ok ? node + " is fenced: its resources count as stopped"
                    : "fencing " + node + " FAILED on every device");
        } else if (a == FenceAction.ON) {
            sb.append(ok ? node + " powered on" : "power on of " + node + " FAILED on every device");
        } else {
            sb.append("status of ").append(node).append(": ").append(results.stream()
                    .map(r -> r.device() + "=" + r.status()).reduce((x, y) -> x + " " + y).orElse("-"));
        }
        return sb.toString();
    }

    /** {@code ha:fence-list}: the devices, the nodes without one, and failed fences waiting for a retry. */
    public String fenceList() {
        List<FenceDevice> devices = service.fenceDevices();
        StringBuilder sb = new StringBuilder();
        if (devices.isEmpty()) {
            sb.append("no fencing devices (add etc/org.duplex.failover.fence-<name>.cfg: type = exec, "
                    + "command = /abs/path, nodes = node1,node2; or type = ipmi, see bundles/failover/README.md)\n");
        }
        for (FenceDevice d : devices) {
            var c = d.config();
            sb.append(d.name()).append("  type=").append(c.type()).append("  nodes=")
                    .append(String.join(",", c.nodes().stream().map(NodeId::value).toList()))
                    .append("  timeout=").append(Tokens.format(c.timeout()))
                    .append("  retry.interval=").append(Tokens.format(c.retryInterval()))
                    .append("  level=").append(c.level()).append('\n')
                    .append("    ").append(d.describeTarget()).append('\n');
        }
        var topology = org.duplex.failover.fence.FenceDevices.topology(devices);
        if (!topology.isEmpty()) {
            sb.append("fencing levels (tried in this order; the next level only when every device of the previous "
                    + "one failed):\n");
            topology.forEach((n, levels) -> sb.append("  ").append(n).append(": ").append(String.join("  then  ",
                    levels.stream().map(l -> "level " + l.level() + " " + String.join(",", l.devices())).toList()))
                    .append('\n'));
        }
        var without = service.nodesWithoutFencing();
        if (!without.isEmpty()) {
            sb.append("not covered: ").append(String.join(",", without.stream().map(NodeId::value).toList()))
                    .append(" (a frozen node cannot be fenced; its VIP may answer beside the survivor's)\n");
        }
        service.pendingFenceRetries().forEach((n, why) -> sb.append("fence of ").append(n).append(' ')
                .append(why).append('\n'));
        return sb.toString().stripTrailing();
    }

    static Duration ms(long v) {
        return Duration.ofMillis(v);
    }
}
