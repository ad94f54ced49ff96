package org.duplex.failover.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.GroupInfo;
import org.duplex.api.admin.HistoryEntry;
import org.duplex.api.admin.MonitorInfo;
import org.duplex.api.admin.MonitorRequest;
import org.duplex.api.admin.MonitorResult;
import org.duplex.api.admin.ResourceInfo;
import org.duplex.api.admin.SimulationRequest;
import org.duplex.api.admin.SimulationResult;
import org.duplex.api.admin.SwitchoverOutcome;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.command.Commands;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.MonitorBinding;
import org.duplex.failover.policy.Action;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.replicated.FailoverDocument;
import org.duplex.failover.service.FailoverService;

/**
 * The API's {@link FailoverAdmin} over the same {@link FailoverService} the ha: commands use. Input is checked
 * here, before anything is touched, so a refusal names its field and nothing is half-applied.
 */
public final class AdminView implements FailoverAdmin {

    private final FailoverService service;

    public AdminView(FailoverService service) {
        this.service = service;
    }

    @Override
    public List<GroupInfo> groups() {
        FailoverConfig cfg = service.store().load();
        Map<NodeId, Map<ResourceId, ResourceState>> states = new TreeMap<>(service.states());
        Optional<Plan> plan;
        try {
            plan = Optional.of(service.plan());
        } catch (RuntimeException e) {
            plan = Optional.empty();
        }
        List<GroupInfo> out = new ArrayList<>();
        for (ResourceGroup g : cfg.groups()) {
            Map<String, Map<String, String>> where = new TreeMap<>();
            List<String> runningOn = new ArrayList<>();
            states.forEach((n, m) -> {
                Map<String, String> here = new LinkedHashMap<>();
                g.resources().forEach(r -> {
                    ResourceState st = m.getOrDefault(r, ResourceState.STOPPED);
                    if (st != ResourceState.STOPPED) {
                        here.put(r.value(), st.name().toLowerCase());
                    }
                });
                if (!here.isEmpty()) {
                    where.put(n.value(), here);
                }
                if (!g.resources().isEmpty() && g.resources().stream()
                        .allMatch(r -> m.getOrDefault(r, ResourceState.STOPPED) == ResourceState.RUNNING)) {
                    runningOn.add(n.value());
                }
            });
            List<String> blocked = plan.map(p -> p.actions().stream()
                    .filter(a -> a.op() == Action.Op.BLOCK && a.group().filter(g.id()::equals).isPresent())
                    .map(Action::reason).toList()).orElse(List.of());
            out.add(new GroupInfo(g.id().value(), g.nodes().stream().map(NodeId::value).toList(),
                    g.resources().stream().map(ResourceId::value).toList(), where, runningOn, blocked,
                    cfg.placementOf(g.id()).map(p -> new org.duplex.api.admin.GroupPlacement(p.node().value(),
                            p.by(), p.at().toString())).orElse(null)));
        }
        return out;
    }

    @Override
    public List<ResourceInfo> resources() {
        FailoverConfig cfg = service.store().load();
        Map<NodeId, Map<ResourceId, ResourceState>> states = service.states();
        List<Failure> failures = service.failures();
        List<ResourceInfo> out = new ArrayList<>();
        for (Resource r : cfg.resources().values()) {
            Map<String, String> st = new TreeMap<>();
            states.forEach((n, m) -> {
                ResourceState s = m.get(r.id());
                if (s != null && s != ResourceState.STOPPED) {
                    st.put(n.value(), s.name().toLowerCase());
                }
            });
            Map<String, Integer> failed = new TreeMap<>();
            failures.stream().filter(f -> f.resource().equals(r.id()))
                    .forEach(f -> failed.merge(f.node().value(), 1, Integer::sum));
            out.add(new ResourceInfo(r.id().value(), r.type(), cfg.groupOf(r.id()).map(g -> g.id().value())
                    .orElse(null), r.params(), service.agent(r.type()).isPresent(), st, failed));
        }
        return out;
    }

    @Override
    public List<HistoryEntry> history(String group, int last) {
        var entries = service.history(Optional.ofNullable(group).map(ResourceId::of));
        int n = Math.max(0, last);
        return entries.subList(Math.max(0, entries.size() - n), entries.size()).stream()
                .map(e -> new HistoryEntry(e.at(), e.node().value(), e.group().map(ResourceId::value).orElse(null),
                        e.resource().map(ResourceId::value).orElse(null), e.kind().name().toLowerCase(), e.text()))
                .toList();
    }

    @Override
    public SwitchoverOutcome switchover(String group, String node) throws AdminException {
        return switchover(group, node, true, null);
    }

    @Override
    public String clearPlacement(String group, String user) throws AdminException {
        ResourceId id = id("group", group);
        FailoverConfig cfg = service.store().load();
        if (cfg.group(id).isEmpty()) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "group", "no group " + group + "; groups: "
                    + cfg.groups().stream().map(x -> x.id().value()).toList());
        }
        String by = by(user);
        try {
            Optional<NodeId> coordinator = service.forwardTo();
            if (coordinator.isPresent()) {
                return service.forward("switchover", List.of(group, "--clear"));
            }
            return new org.duplex.failover.command.Commands(service).clearHere(group, by, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.REFUSED, null, "interrupted while the coordinator worked");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, e.getMessage());
        } catch (Exception e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "clearing the placement failed: "
                    + e.getMessage());
        }
    }

    private String by(String user) {
        return user == null || user.isBlank() ? service.origin() : user + " (rest)";
    }

    @Override
    public SwitchoverOutcome switchover(String group, String node, boolean reorder, String user)
            throws AdminException {
        ResourceId id = id("group", group);
        FailoverConfig cfg = service.store().load();
        ResourceGroup g = cfg.group(id).orElseThrow(() -> new AdminException(AdminException.Kind.NOT_FOUND, "group",
                "no group " + group + "; groups: " + cfg.groups().stream().map(x -> x.id().value()).toList()));
        Optional<NodeId> target = Optional.empty();
        if (node != null) {
            NodeId n = nodeId(node);
            if (!g.nodes().contains(n)) {
                throw new AdminException(AdminException.Kind.INVALID, "node", node + " is not in the node list of "
                        + group + " " + g.nodes());
            }
            target = Optional.of(n);
        }
        try {
            Optional<NodeId> coordinator = service.forwardTo();
            if (coordinator.isPresent()) {
                List<String> args = new java.util.ArrayList<>(List.of(group));
                target.ifPresent(t -> args.add(t.value()));
                if (reorder) {
                    args.add("--reorder");
                }
                return forwardedSwitchover(group, coordinator.get(), service.forward("switchover", args));
            }
            var r = service.switchover(id, target, reorder, by(user));
            return new SwitchoverOutcome(group, r.from().value(), r.to().value(), r.outage().toMillis(), r.steps(),
                    r.reordered(), r.placement());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.REFUSED, null, "interrupted while the coordinator worked");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, e.getMessage());
        } catch (java.io.IOException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "switchover failed: " + e.getMessage());
        }
    }

    @Override
    public int cleanup(String resource) throws AdminException {
        ResourceId id = id("resource", resource);
        if (!service.store().load().resources().containsKey(id)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "resource", "no resource " + resource);
        }
        Optional<NodeId> coordinator = service.forwardTo();
        if (coordinator.isEmpty()) {
            return service.cleanup(id);
        }
        try {
            String answer = service.forward("cleanup", List.of(resource));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(": (\\d+) failure\\(s\\) forgotten")
                    .matcher(answer);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.REFUSED, null, "interrupted while the coordinator worked");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, e.getMessage());
        }
    }

    @Override
    public String configuration() {
        try {
            return FailoverDocument.write("{}", service.store().load());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the running configuration cannot be written as a document: "
                    + e.getMessage(), e);
        }
    }

    /** The sections of a candidate document (as {@link #configuration()} writes them). */
    private static final java.util.Set<String> SECTIONS = java.util.Set.of("resources", "groups", "monitors",
            "policies");

    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT_SHAPE =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    // its own type cache, as FailoverDocument's (the bundle's class loader must not be kept)
                    .typeFactory(com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance().withCache(
                            (com.fasterxml.jackson.databind.util.LookupCache<Object,
                                    com.fasterxml.jackson.databind.JavaType>)
                                    new com.fasterxml.jackson.databind.util.LRUMap<Object,
                                            com.fasterxml.jackson.databind.JavaType>(4, 16)))
                    .build();

    /**
     * {@code ha:simulate} with several failed nodes and/or a candidate configuration, through the same engine,
     * snapshot and {@link org.duplex.failover.policy.PlanSimulator} as the command. Every input is checked before
     * the engine is asked; nothing is saved or carried out.
     */
    @Override
    public SimulationResult simulate(SimulationRequest request) throws AdminException {
        if (request == null) {
            throw new AdminException(AdminException.Kind.INVALID, null, "a simulation request is required");
        }
        java.util.Set<NodeId> failed = new java.util.TreeSet<>();
        for (String n : request.failNodes()) {
            if (n == null) {
                throw new AdminException(AdminException.Kind.INVALID, "failNodes", "failNodes: a node name is null");
            }
            try {
                failed.add(NodeId.of(n));
            } catch (IllegalArgumentException e) {
                throw new AdminException(AdminException.Kind.INVALID, "failNodes", "failNodes: " + e.getMessage());
            }
        }
        Optional<FailoverConfig> candidate = Optional.empty();
        if (request.configuration() != null) {
            candidate = Optional.of(candidate(request.configuration()));
        }
        FailoverController.Simulation sim;
        try {
            sim = service.simulate(failed, candidate);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw new AdminException(m.startsWith("unknown node") ? AdminException.Kind.NOT_FOUND
                    : AdminException.Kind.INVALID, m.startsWith("unknown node") ? "failNodes" : null, m);
        } catch (UnsupportedOperationException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, String.valueOf(e.getMessage()));
        }
        List<SimulationResult.PlannedAction> all = sim.plan().actions().stream().map(AdminView::planned).toList();
        List<SimulationResult.Group> groups = new ArrayList<>();
        for (ResourceGroup g : sim.config().groups()) {
            groups.add(new SimulationResult.Group(g.id().value(), g.nodes().stream().map(NodeId::value).toList(),
                    names(sim.now().getOrDefault(g.id(), List.of())),
                    names(sim.after().getOrDefault(g.id(), List.of())),
                    all.stream().filter(a -> g.id().value().equals(a.group())).toList(), reasons(g, all, sim)));
        }
        return new SimulationResult(failed.stream().map(NodeId::value).toList(), candidate.isPresent(), groups, all,
                sim.plan().notes(), sim.violations());
    }

    private static FailoverConfig candidate(String json) throws AdminException {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = STRICT_SHAPE.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AdminException(AdminException.Kind.INVALID, "configuration",
                    "configuration: not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new AdminException(AdminException.Kind.INVALID, "configuration",
                    "configuration: must be a JSON object with sections " + new java.util.TreeSet<>(SECTIONS));
        }
        for (java.util.Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!SECTIONS.contains(f)) {
                throw new AdminException(AdminException.Kind.INVALID, "configuration",
                        "configuration: unknown section '" + f + "'; sections: " + new java.util.TreeSet<>(SECTIONS));
            }
        }
        try {
            return FailoverDocument.read(json);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "configuration",
                    "configuration: " + e.getMessage());
        } catch (RuntimeException e) {
            // a model constructor refusing what the document says (null where a value is required, ...)
            throw new AdminException(AdminException.Kind.INVALID, "configuration",
                    "configuration: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The group's steps' reasons, then the engine's notes that are about it (they start with its name). */
    private static List<String> reasons(ResourceGroup g, List<SimulationResult.PlannedAction> all,
                                        FailoverController.Simulation sim) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        all.stream().filter(a -> g.id().value().equals(a.group())).forEach(a -> out.add(a.reason()));
        sim.plan().notes().stream().filter(n -> n.startsWith(g.id().value() + " ")).forEach(out::add);
        return List.copyOf(out);
    }

    private static List<String> names(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::value).toList();
    }

    private static SimulationResult.PlannedAction planned(Action a) {
        return new SimulationResult.PlannedAction(a.op().name().toLowerCase(),
                a.intent().name().toLowerCase().replace('_', '-'), a.node().value(),
                a.group().map(ResourceId::value).orElse(null), a.resource().map(ResourceId::value).orElse(null),
                a.reason());
    }

    /**
     * The coordinator answers a forwarded switchover with the text ha:switchover prints there (Commands): its first
     * line says from, to and the outage, the indented lines are the steps.
     */
    public static SwitchoverOutcome forwardedSwitchover(String group, NodeId coordinator, String answer) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("switched over from (\\S+) to (\\S+): outage (\\d+) ms").matcher(answer);
        List<String> steps = new java.util.ArrayList<>();
        steps.add("forwarded to the coordinator " + coordinator);
        answer.lines().filter(l -> l.startsWith("  ")).map(String::strip).forEach(steps::add);
        // the last line, not indented, says what keeps the group there (placement or reorder) and how to undo it
        String placement = answer.lines().filter(l -> l.startsWith("placed on ") || l.startsWith("node list "))
                .findFirst().orElse("");
        boolean reordered = placement.startsWith("node list ");
        return m.find() ? new SwitchoverOutcome(group, m.group(1), m.group(2), Long.parseLong(m.group(3)), steps,
                reordered, placement) : new SwitchoverOutcome(group, "?", "?", -1, steps, reordered, placement);
    }

    // ---- monitors ----------------------------------------------------------------------------------------

    /** {@code ha:monitor-show} as values: every binding, whether its type is here, each node's latest result. */
    @Override
    public List<MonitorInfo> monitors() {
        FailoverConfig cfg = service.store().load();
        var results = service.monitorResults();
        List<MonitorInfo> out = new ArrayList<>();
        for (MonitorBinding m : cfg.monitors().values()) {
            Map<String, String> settings = new LinkedHashMap<>();
            // the binding's words as ha:monitor-add takes them, after its name, type, on and target
            for (String w : org.duplex.failover.config.Tokens.split(ConfigText.monitor(m))) {
                int eq = w.indexOf('=');
                String key = eq < 0 ? "" : w.substring(0, eq);
                if (eq > 0 && !key.equals("type") && !key.equals("on") && !key.equals("target")) {
                    settings.put(key, w.substring(eq + 1));
                }
            }
            Map<String, MonitorResult> byNode = new TreeMap<>();
            results.forEach((node, reports) -> {
                var r = reports.get(m.id());
                if (r != null) {
                    byNode.put(node.value(), new MonitorResult(r.state() == ResourceState.FAILED, r.result().reason(),
                            r.at()));
                }
            });
            out.add(new MonitorInfo(m.id().value(), m.type(), m.on().word(), m.target().value(), settings,
                    service.monitorType(m.type()).isPresent(), Commands.meaning(m), byNode));
        }
        return out;
    }

    /** {@code ha:monitor-add} through the same {@link Commands} the shell uses, refusals naming their field. */
    @Override
    public String addMonitor(MonitorRequest request) throws AdminException {
        ResourceId id = id("name", request.name());
        if (request.type() == null || request.type().isBlank()) {
            throw new AdminException(AdminException.Kind.INVALID, "type", "type is required (GET /api/v1/monitors "
                    + "lists the installed types)");
        }
        for (String key : request.settings().keySet()) {
            if (key.isBlank() || key.contains("=") || key.equals("type")) {
                throw new AdminException(AdminException.Kind.INVALID, "settings", "settings: '" + key
                        + "' is not a setting name");
            }
        }
        if (service.store().load().monitors().containsKey(id) && !request.replace()) {
            throw new AdminException(AdminException.Kind.REFUSED, "name", "monitor " + id + " exists; send "
                    + "replace: true to replace it");
        }
        List<String> words = new ArrayList<>();
        request.settings().forEach((k, v) -> words.add(k + "=" + v));
        try {
            return new Commands(service).monitorAdd(id.value(), request.type(), words, true);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            String field = m.contains(": no group ") || m.contains(": no resource ") || m.contains("needs target=")
                    ? "target" : m.contains(": on: ") || m.contains("needs on=") ? "on" : "settings";
            throw new AdminException(field.equals("target") && (m.contains(": no group ")
                    || m.contains(": no resource ")) ? AdminException.Kind.NOT_FOUND : AdminException.Kind.INVALID,
                    field, m);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "monitor " + id + " not bound: "
                    + e.getMessage());
        }
    }

    @Override
    public String removeMonitor(String name) throws AdminException {
        ResourceId id = id("monitor", name);
        if (!service.store().load().monitors().containsKey(id)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "monitor", "no monitor " + name
                    + " (GET /api/v1/monitors lists the bound ones)");
        }
        try {
            return new Commands(service).monitorRemove(id.value());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "monitor " + name + " not removed: "
                    + e.getMessage());
        }
    }

    private static ResourceId id(String field, String value) throws AdminException {
        if (value == null) {
            throw new AdminException(AdminException.Kind.INVALID, field, field + " is required");
        }
        try {
            return ResourceId.of(value);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, field, field + ": " + e.getMessage());
        }
    }

    private static NodeId nodeId(String value) throws AdminException {
        try {
            return NodeId.of(value);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "node", "node: " + e.getMessage());
        }
    }
}
