package org.duplex.failover.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.model.ClusterOptions;
import org.duplex.failover.model.Colocation;
import org.duplex.failover.model.Failback;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.GroupPolicy;
import org.duplex.failover.model.MonitorBinding;
import org.duplex.failover.model.Placement;
import org.duplex.failover.model.NoQuorumPolicy;
import org.duplex.failover.model.OnFail;

/**
 * The line format of the failover configuration, used by the local store, the shell commands and the scenario
 * files of the tests:
 *
 * <pre>
 * options no-quorum-policy=stop fencing=false timezone=UTC
 * resource vip type=vip monitor-interval=2s ip=192.168.50.10 cidr=24 interface=eth0
 * group web resources=vip,app nodes=node1,node2 stickiness=100 failback=manual migration-threshold=3
 * monitor disk-var type=disk on=resource target=app interval=10s timeout=5s count=3 path=/var max-used=90
 * monitor gw type=ping on=node target=web interval=5s timeout=2s count=3 host=192.168.50.1
 * monitor ro type=readonly on=node target=web on-fail=reboot count=3 path=/
 * </pre>
 */
public final class ConfigText {

    private static final Set<String> RESOURCE_KEYS = Set.of("type", "monitor-interval", "start-timeout",
            "stop-timeout", "monitor-timeout", "validate-timeout");

    private ConfigText() {
    }

    /** Parses a whole file; blank lines and '#' comments are skipped. */
    public static FailoverConfig parse(String text) {
        FailoverConfig config = FailoverConfig.EMPTY;
        int lineNo = 0;
        List<ResourceGroup> groups = new ArrayList<>();
        Map<ResourceId, GroupPolicy> policies = new LinkedHashMap<>();
        Map<ResourceId, MonitorBinding> monitors = new LinkedHashMap<>();
        Map<ResourceId, Integer> monitorLines = new LinkedHashMap<>();
        Map<ResourceId, Placement> placements = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                List<String> words = Tokens.split(line);
                switch (words.get(0)) {
                    case "options":
                        config = config.withOptions(options(words.subList(1, words.size())));
                        break;
                    case "resource":
                        config = config.withResource(resource(words.subList(1, words.size())));
                        break;
                    case "group":
                        GroupDef def = group(words.subList(1, words.size()));
                        groups.add(def.group);
                        policies.put(def.group.id(), def.policy);
                        break;
                    case "monitor":
                        MonitorBinding m = monitor(words.subList(1, words.size()));
                        if (monitors.put(m.id(), m) != null) {
                            throw new IllegalArgumentException("monitor " + m.id() + " is defined twice (first on line "
                                    + monitorLines.get(m.id()) + ")");
                        }
                        monitorLines.put(m.id(), lineNo);
                        break;
                    case "placement":
                        if (words.size() < 2) {
                            throw new IllegalArgumentException("placement needs a group: placement GROUP node=N "
                                    + "by=USER at=INSTANT");
                        }
                        Map<String, String> kv = keyValues(words.subList(2, words.size()), Set.of("node", "by", "at"));
                        if (!kv.containsKey("node")) {
                            throw new IllegalArgumentException("placement " + words.get(1) + ": node= is required");
                        }
                        java.time.Instant at;
                        try {
                            at = java.time.Instant.parse(kv.getOrDefault("at", "1970-01-01T00:00:00Z"));
                        } catch (java.time.format.DateTimeParseException e) {
                            throw new IllegalArgumentException("placement " + words.get(1) + ": at '" + kv.get("at")
                                    + "' is not an ISO instant (2026-12-07T12:30:00Z)");
                        }
                        placements.put(ResourceId.of(words.get(1)), new Placement(NodeId.of(kv.get("node")),
                                kv.get("by"), at));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown line kind '" + words.get(0)
                                + "' (expected options, resource, group, monitor or placement)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        FailoverConfig withoutMonitors = new FailoverConfig(config.resources(), groups, policies, config.options());
        // a binding's target is checked once every resource and group is known, and named with the binding's line
        for (MonitorBinding m : monitors.values()) {
            boolean known = m.on() == MonitorBinding.Scope.RESOURCE
                    ? withoutMonitors.resources().containsKey(m.target())
                    : withoutMonitors.group(m.target()).isPresent();
            if (!known) {
                throw new IllegalArgumentException("line " + monitorLines.get(m.id()) + ": monitor " + m.id()
                        + ": target " + m.target() + " is not a " + (m.on() == MonitorBinding.Scope.RESOURCE
                        ? "resource (on=resource binds to a resource)" : "group (on=node binds to a group)"));
            }
        }
        return new FailoverConfig(withoutMonitors.resources(), groups, policies, config.options(), monitors,
                placements);
    }

    public static String write(FailoverConfig config) {
        StringBuilder sb = new StringBuilder();
        sb.append(options(config.options())).append('\n');
        for (Resource r : config.resources().values()) {
            sb.append(resource(r)).append('\n');
        }
        for (ResourceGroup g : config.groups()) {
            sb.append(group(g, config.policyOf(g.id()))).append('\n');
        }
        for (MonitorBinding m : config.monitors().values()) {
            sb.append(monitor(m)).append('\n');
        }
        config.placements().forEach((g, p) -> sb.append("placement ").append(g).append(" node=").append(p.node())
                .append(" by=").append(Tokens.quote(p.by())).append(" at=").append(p.at()).append('\n'));
        return sb.toString();
    }

    // ---- options ----------------------------------------------------------------------------------------

    public static ClusterOptions options(List<String> words) {
        Map<String, String> kv = keyValues(words, Set.of("no-quorum-policy", "fencing", "timezone"));
        ClusterOptions d = ClusterOptions.DEFAULT;
        return new ClusterOptions(
                kv.containsKey("no-quorum-policy") ? enumValue(NoQuorumPolicy.class, kv.get("no-quorum-policy"),
                        "no-quorum-policy") : d.noQuorumPolicy(),
                kv.containsKey("fencing") ? Tokens.bool(kv.get("fencing"), "fencing") : d.fencing(),
                kv.containsKey("timezone") ? zone(kv.get("timezone")) : d.zone());
    }

    public static String options(ClusterOptions o) {
        return "options no-quorum-policy=" + o.noQuorumPolicy().name().toLowerCase(Locale.ROOT)
                + " fencing=" + o.fencing() + " timezone=" + o.zone().getId();
    }

    // ---- resources --------------------------------------------------------------------------------------

    /** {@code id type=T [monitor-interval=..] [start-timeout=..] ... param=value...}. */
    public static Resource resource(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("resource needs a name");
        }
        ResourceId id = ResourceId.of(words.get(0));
        Map<String, String> kv = keyValues(words.subList(1, words.size()), null);
        String type = kv.remove("type");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("resource " + id + " needs type=<agent type> (vip, process, "
                    + "filesystem, samba...)");
        }
        OperationTimeouts d = OperationTimeouts.DEFAULTS;
        OperationTimeouts t = new OperationTimeouts(
                dur(kv.remove("start-timeout"), d.start(), "start-timeout"),
                dur(kv.remove("stop-timeout"), d.stop(), "stop-timeout"),
                dur(kv.remove("monitor-timeout"), d.monitor(), "monitor-timeout"),
                dur(kv.remove("validate-timeout"), d.validate(), "validate-timeout"));
        Duration interval = dur(kv.remove("monitor-interval"), Duration.ofSeconds(10), "monitor-interval");
        return new Resource(id, type, kv, t, interval);
    }

    public static String resource(Resource r) {
        StringBuilder sb = new StringBuilder("resource ").append(r.id()).append(" type=").append(Tokens.quote(r.type()));
        sb.append(" monitor-interval=").append(Tokens.format(r.monitorInterval()));
        OperationTimeouts t = r.timeouts();
        sb.append(" start-timeout=").append(Tokens.format(t.start()));
        sb.append(" stop-timeout=").append(Tokens.format(t.stop()));
        sb.append(" monitor-timeout=").append(Tokens.format(t.monitor()));
        sb.append(" validate-timeout=").append(Tokens.format(t.validate()));
        r.params().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                sb.append(' ').append(Tokens.quote(e.getKey() + "=" + e.getValue())));
        return sb.toString();
    }

    // ---- groups -----------------------------------------------------------------------------------------

    public record GroupDef(ResourceGroup group, GroupPolicy policy) {
    }

    private static final Set<String> GROUP_KEYS = Set.of("resources", "nodes", "stickiness", "failback",
            "migration-threshold", "failure-timeout", "on-fail", "priority", "with", "apart", "prefer-apart",
            "managed");

    /** {@code id resources=a,b nodes=n1,n2 [stickiness=..] [failback=..] ...}. */
    public static GroupDef group(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("group needs a name");
        }
        ResourceId id = ResourceId.of(words.get(0));
        Map<String, String> kv = keyValues(words.subList(1, words.size()), GROUP_KEYS);
        if (!kv.containsKey("resources") || !kv.containsKey("nodes")) {
            throw new IllegalArgumentException("group " + id + " needs resources=r1,r2 and nodes=n1,n2");
        }
        ResourceGroup g = new ResourceGroup(id, list(kv.get("resources")).stream().map(ResourceId::of).toList(),
                list(kv.get("nodes")).stream().map(NodeId::of).toList());
        GroupPolicy d = GroupPolicy.DEFAULT;
        List<Colocation> colocations = new ArrayList<>();
        addColocations(colocations, kv.get("with"), Colocation.Kind.WITH);
        addColocations(colocations, kv.get("apart"), Colocation.Kind.APART);
        addColocations(colocations, kv.get("prefer-apart"), Colocation.Kind.PREFER_APART);
        if (colocations.stream().filter(c -> c.kind() == Colocation.Kind.WITH).count() > 1) {
            throw new IllegalArgumentException("group " + id + ": with= takes one group");
        }
        GroupPolicy p = new GroupPolicy(
                kv.containsKey("stickiness") ? Tokens.integer(kv.get("stickiness"), "stickiness") : d.stickiness(),
                kv.containsKey("failback") ? Failback.parse(kv.get("failback")) : d.failback(),
                kv.containsKey("migration-threshold")
                        ? Tokens.integer(kv.get("migration-threshold"), "migration-threshold") : d.migrationThreshold(),
                dur(kv.get("failure-timeout"), d.failureTimeout(), "failure-timeout"),
                kv.containsKey("on-fail") ? enumValue(OnFail.class, kv.get("on-fail"), "on-fail") : d.onFail(),
                colocations,
                kv.containsKey("priority") ? Tokens.integer(kv.get("priority"), "priority") : d.priority(),
                kv.containsKey("managed") ? Tokens.bool(kv.get("managed"), "managed") : d.managed());
        return new GroupDef(g, p);
    }

    public static String group(ResourceGroup g, GroupPolicy p) {
        StringBuilder sb = new StringBuilder("group ").append(g.id());
        sb.append(" resources=").append(g.resources().stream().map(Object::toString).collect(Collectors.joining(",")));
        sb.append(" nodes=").append(g.nodes().stream().map(Object::toString).collect(Collectors.joining(",")));
        sb.append(" stickiness=").append(p.stickiness());
        sb.append(" failback=").append(p.failback());
        sb.append(" migration-threshold=").append(p.migrationThreshold());
        sb.append(" failure-timeout=").append(Tokens.format(p.failureTimeout()));
        sb.append(" on-fail=").append(p.onFail().name().toLowerCase(Locale.ROOT));
        sb.append(" priority=").append(p.priority());
        for (Colocation.Kind k : Colocation.Kind.values()) {
            String others = p.colocations().stream().filter(c -> c.kind() == k).map(c -> c.other().toString())
                    .collect(Collectors.joining(","));
            if (!others.isEmpty()) {
                sb.append(' ').append(k.name().toLowerCase(Locale.ROOT).replace('_', '-')).append('=').append(others);
            }
        }
        sb.append(" managed=").append(p.managed());
        return sb.toString();
    }

    // ---- monitors -----------------------------------------------------------------------------------------

    /**
     * {@code id type=T on=resource|node target=RESOURCE|GROUP [interval=10s] [timeout=5s] [count=3]
     * [on-fail=ineligible|reboot] param=value...} ({@code on-fail} with {@code on=node} only).
     * The target's existence is checked by {@link #parse} (or the configuration's own validation).
     */
    public static MonitorBinding monitor(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("monitor needs a name");
        }
        ResourceId id = ResourceId.of(words.get(0));
        Map<String, String> kv;
        try {
            kv = keyValues(words.subList(1, words.size()), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("monitor " + id + ": " + e.getMessage());
        }
        String type = kv.remove("type");
        String on = kv.remove("on");
        String target = kv.remove("target");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("monitor " + id + " needs type=<monitor type> (ha:monitors lists "
                    + "the installed ones)");
        }
        if (on == null) {
            throw new IllegalArgumentException("monitor " + id + " needs on=resource (the target resource fails) or "
                    + "on=node (the node is not eligible for the target group)");
        }
        MonitorBinding.Scope scope;
        switch (on.trim().toLowerCase(Locale.ROOT)) {
            case "resource" -> scope = MonitorBinding.Scope.RESOURCE;
            case "node" -> scope = MonitorBinding.Scope.NODE;
            default -> throw new IllegalArgumentException("monitor " + id + ": on: '" + on
                    + "' is not resource or node");
        }
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("monitor " + id + " needs target=<" + (scope == MonitorBinding.Scope
                    .RESOURCE ? "resource" : "group") + ">");
        }
        try {
            ResourceId targetId = ResourceId.of(target);
            Duration interval = dur(kv.remove("interval"), MonitorBinding.DEFAULT_INTERVAL, "interval");
            Duration timeout = dur(kv.remove("timeout"), MonitorBinding.DEFAULT_TIMEOUT, "timeout");
            String c = kv.remove("count");
            int count = c == null ? MonitorBinding.DEFAULT_COUNT : Tokens.integer(c, "count");
            MonitorBinding.Reaction onFail = reaction(kv.remove("on-fail"), scope);
            return new MonitorBinding(id, type, scope, targetId, interval, timeout, count, kv, onFail);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            throw new IllegalArgumentException(msg.startsWith("monitor " + id) ? msg : "monitor " + id + ": " + msg);
        }
    }

    /** {@code on-fail=} of a binding: absent = ineligible; only on=node bindings take one. */
    public static MonitorBinding.Reaction reaction(String value, MonitorBinding.Scope scope) {
        if (value == null) {
            return MonitorBinding.Reaction.INELIGIBLE;
        }
        if (scope != MonitorBinding.Scope.NODE) {
            throw new IllegalArgumentException("on-fail needs on=node (a resource's failure follows its group's "
                    + "on-fail: ha:group-add ... on-fail=fence)");
        }
        return enumValue(MonitorBinding.Reaction.class, value, "on-fail");
    }

    public static String monitor(MonitorBinding m) {
        StringBuilder sb = new StringBuilder("monitor ").append(m.id()).append(" type=").append(Tokens.quote(m.type()));
        sb.append(" on=").append(m.on().word()).append(" target=").append(m.target());
        sb.append(" interval=").append(Tokens.format(m.interval()));
        sb.append(" timeout=").append(Tokens.format(m.timeout()));
        sb.append(" count=").append(m.count());
        if (m.reboots()) {
            sb.append(" on-fail=").append(m.onFail().word()); // written only when set: old files stay as they were
        }
        m.params().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                sb.append(' ').append(Tokens.quote(e.getKey() + "=" + e.getValue())));
        return sb.toString();
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** key=value words; {@code allowed} null means any key. */
    public static Map<String, String> keyValues(List<String> words, Set<String> allowed) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + w + "' is not key=value");
            }
            String key = w.substring(0, eq);
            if (allowed != null && !allowed.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: "
                        + allowed.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            if (kv.put(key, w.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("key '" + key + "' given twice");
            }
        }
        return kv;
    }

    private static void addColocations(List<Colocation> into, String value, Colocation.Kind kind) {
        if (value != null) {
            for (String other : list(value)) {
                into.add(new Colocation(ResourceId.of(other), kind));
            }
        }
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static Duration dur(String value, Duration dflt, String what) {
        return value == null ? dflt : Tokens.duration(value, what);
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("timezone: unknown zone '" + id + "'");
        }
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String text, String what) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")));
        }
    }

    /** Whether a word is a reserved resource key (not an agent parameter). */
    public static boolean isResourceKey(String key) {
        return RESOURCE_KEYS.contains(key);
    }
}
