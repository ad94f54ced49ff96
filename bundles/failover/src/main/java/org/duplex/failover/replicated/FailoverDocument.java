package org.duplex.failover.replicated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;

import org.duplex.api.failover.DurationWords;
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
import org.duplex.failover.model.NoQuorumPolicy;
import org.duplex.failover.model.OnFail;
import org.duplex.failover.model.Placement;

/**
 * The one mapping between the replicated {@code failover} document (the cluster configuration's resources, groups,
 * monitors and policies sections, which the cluster stores without interpreting them) and the failover model.
 *
 * <ul>
 *   <li>Resource timeouts and monitor interval live in the resource's params under the reserved keys
 *       ({@link #RESOURCE_KEYS}); absent keys mean the defaults (20s/20s/10s/5s, 10s).</li>
 *   <li>A group's policy lives in its {@code policy} map under the group keys. A group without
 *       {@code stickiness} / {@code migration-threshold} takes the document's cluster-wide {@code policies} values
 *       (stickiness 100, threshold 3 by default); every other absent key takes {@link GroupPolicy#DEFAULT}.
 *       Writing back always writes every key, so a saved group keeps exactly its values (a stickiness of 0 stays
 *       0).</li>
 *   <li>An operator's placement ({@code ha:switchover} without {@code --reorder}) lives in the group's
 *       {@code policy} map too, under {@code placed-on}, {@code placed-by} and {@code placed-at}, so it is
 *       replicated and committed like the rest of the group; absent when the group has none. A node of an earlier
 *       version refuses these keys, so finish a rolling upgrade before switching over this way.</li>
 *   <li>The no-quorum policy is {@code policies.noQuorum} (both directions); the cluster-wide stickiness and
 *       threshold are written back as they were read.</li>
 *   <li>A monitor binding's {@code on} is {@code resource} or {@code node}, and its interval, timeout, count and
 *       on-fail live in its params under {@link #MONITOR_KEYS} (absent: 10s, 5s, 3, ineligible; on-fail is written
 *       only when it is reboot).</li>
 *   <li>Not replicated: {@link ClusterOptions#fencing()} (always false) and {@link ClusterOptions#zone()} (always
 *       UTC); saving other values is refused.</li>
 * </ul>
 * The shape is the one the cluster configuration file has had since monitors were added, so files and nodes of
 * earlier versions read and write the same document.
 */
public final class FailoverDocument {

    public static final Set<String> RESOURCE_KEYS = Set.of("monitor-interval", "start-timeout", "stop-timeout",
            "monitor-timeout", "validate-timeout");

    public static final Set<String> MONITOR_KEYS = Set.of("interval", "timeout", "count", "on-fail");

    private static final Set<String> GROUP_KEYS = Set.of("stickiness", "failback", "migration-threshold",
            "failure-timeout", "on-fail", "priority", "with", "apart", "prefer-apart", "managed", "placed-on", "placed-by", "placed-at");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FailoverDocument.class);

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    /** Lenient on read (a newer cluster may carry more); the cluster checks the shape of what is written. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            // its own type cache: Jackson's shared default one would keep this bundle's class loader alive after
            // an upgrade (cluster bundle, ConfigCodec.ownTypes)
            .typeFactory(TypeFactory.defaultInstance().withCache(
                    (LookupCache<Object, JavaType>) new LRUMap<Object, JavaType>(16, 200)))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The sections, as the cluster stores them. */
    record Sections(List<ResourceDoc> resources, List<GroupDoc> groups, List<MonitorDoc> monitors,
                    PoliciesDoc policies) {
        Sections {
            resources = resources == null ? List.of() : resources;
            groups = groups == null ? List.of() : groups;
            monitors = monitors == null ? List.of() : monitors;
            policies = policies == null ? PoliciesDoc.DEFAULTS : policies;
        }
    }

    record ResourceDoc(String id, String type, Map<String, String> params) {
        ResourceDoc {
            params = params == null ? Map.of() : params;
        }
    }

    record GroupDoc(String id, List<String> resources, List<String> nodes,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> policy) {
        GroupDoc {
            resources = resources == null ? List.of() : resources;
            nodes = nodes == null ? List.of() : nodes;
            policy = policy == null ? Map.of() : policy;
        }
    }

    record MonitorDoc(String id, String type, String on, String target, Map<String, String> params) {
        MonitorDoc {
            params = params == null ? Map.of() : params;
        }
    }

    /** The cluster-wide policies: what a partition without quorum does, and the defaults of groups. */
    record PoliciesDoc(String noQuorum, Integer stickiness, Integer migrationThreshold) {
        static final PoliciesDoc DEFAULTS = new PoliciesDoc("STOP", 100, 3);

        PoliciesDoc {
            noQuorum = noQuorum == null ? "STOP" : noQuorum;
            stickiness = stickiness == null ? 100 : stickiness;
            migrationThreshold = migrationThreshold == null ? 3 : migrationThreshold;
        }
    }

    private FailoverDocument() {
    }

    private static Sections sections(String json) {
        try {
            Sections s = JSON.readValue(json, Sections.class);
            if (s == null) {
                throw new IllegalArgumentException("the failover document is empty");
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the failover document is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The failover configuration in a document; throws IllegalArgumentException when it does not map. */
    public static FailoverConfig read(String json) {
        Sections c = sections(json);
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        for (ResourceDoc r : c.resources()) {
            Resource res = resource(r);
            resources.put(res.id(), res);
        }
        List<ResourceGroup> groups = new ArrayList<>();
        Map<ResourceId, GroupPolicy> policies = new LinkedHashMap<>();
        Map<ResourceId, Placement> placements = new LinkedHashMap<>();
        for (GroupDoc g : c.groups()) {
            ResourceGroup group = new ResourceGroup(ResourceId.of(g.id()),
                    g.resources().stream().map(ResourceId::of).toList(), g.nodes().stream().map(NodeId::of).toList());
            groups.add(group);
            policies.put(group.id(), policy(g, c.policies()));
            placement(g).ifPresent(pl -> {
                if (group.nodes().contains(pl.node())) {
                    placements.put(group.id(), pl);
                } else {
                    LOG.warn("group {}: operator placement on {} ignored, {} is not in its node list {}", group.id(),
                            pl.describe(), pl.node(), group.nodes());
                }
            });
        }
        ClusterOptions options = new ClusterOptions(noQuorum(c.policies().noQuorum()),
                ClusterOptions.DEFAULT.fencing(), ClusterOptions.DEFAULT.zone());
        Map<ResourceId, MonitorBinding> monitors = new LinkedHashMap<>();
        for (MonitorDoc m : c.monitors()) {
            MonitorBinding b = monitor(m);
            monitors.put(b.id(), b);
        }
        return new FailoverConfig(resources, groups, policies, options, monitors, placements);
    }

    /**
     * The document for {@code f}, written over {@code base} (the document it was read from: the cluster-wide
     * stickiness and threshold are kept from it); throws IllegalArgumentException for what the document cannot
     * carry.
     */
    public static String write(String base, FailoverConfig f) {
        if (f.options().fencing() != ClusterOptions.DEFAULT.fencing()
                || !f.options().zone().equals(ClusterOptions.DEFAULT.zone())) {
            throw new IllegalArgumentException("the replicated configuration does not carry fencing=" + f.options()
                    .fencing() + " / timezone=" + f.options().zone() + " yet (only fencing=false, timezone=UTC)");
        }
        PoliciesDoc p = sections(base).policies();
        Sections s = new Sections(
                f.resources().values().stream().map(FailoverDocument::resource).toList(),
                f.groups().stream().map(g -> new GroupDoc(g.id().value(),
                        g.resources().stream().map(ResourceId::value).toList(),
                        g.nodes().stream().map(NodeId::value).toList(), policy(f.policyOf(g.id()), f.placementOf(g.id()))))
                        .toList(),
                f.monitors().values().stream().map(FailoverDocument::monitor).toList(),
                new PoliciesDoc(f.options().noQuorumPolicy().name(), p.stickiness(), p.migrationThreshold()));
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the failover document", e);
        }
    }

    private static NoQuorumPolicy noQuorum(String text) {
        try {
            return NoQuorumPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policies.noQuorum: '" + text + "' is not stop, freeze or ignore");
        }
    }

    private static MonitorBinding.Reaction reaction(String value, String what) {
        if (value == null) {
            return MonitorBinding.Reaction.INELIGIBLE;
        }
        try {
            return MonitorBinding.Reaction.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": on-fail must be ineligible or reboot, was '" + value + "'");
        }
    }

    static MonitorBinding monitor(MonitorDoc m) {
        Map<String, String> params = new LinkedHashMap<>(m.params());
        String what = "monitor " + m.id();
        MonitorBinding.Scope scope;
        if ("resource".equals(m.on())) {
            scope = MonitorBinding.Scope.RESOURCE;
        } else if ("node".equals(m.on())) {
            scope = MonitorBinding.Scope.NODE;
        } else {
            throw new IllegalArgumentException(what + ": on must be resource or node, was '" + m.on() + "'");
        }
        String count = params.remove("count");
        return new MonitorBinding(ResourceId.of(m.id()), m.type() == null ? "" : m.type(), scope,
                ResourceId.of(m.target() == null ? "" : m.target()),
                duration(params.remove("interval"), MonitorBinding.DEFAULT_INTERVAL, what + ": interval"),
                duration(params.remove("timeout"), MonitorBinding.DEFAULT_TIMEOUT, what + ": timeout"),
                integer(count, MonitorBinding.DEFAULT_COUNT, what + ": count"), params,
                reaction(params.remove("on-fail"), what));
    }

    static MonitorDoc monitor(MonitorBinding b) {
        for (String k : b.params().keySet()) {
            if (MONITOR_KEYS.contains(k)) {
                throw new IllegalArgumentException("monitor " + b.id() + ": parameter '" + k
                        + "' is reserved for the interval / timeout / count / on-fail");
            }
        }
        Map<String, String> params = new LinkedHashMap<>(b.params());
        params.put("interval", format(b.interval()));
        params.put("timeout", format(b.timeout()));
        params.put("count", Integer.toString(b.count()));
        if (b.reboots()) {
            params.put("on-fail", b.onFail().word()); // only when set: configurations without it are unchanged
        }
        return new MonitorDoc(b.id().value(), b.type(), b.on().word(), b.target().value(), params);
    }

    static Resource resource(ResourceDoc r) {
        Map<String, String> params = new LinkedHashMap<>(r.params());
        OperationTimeouts d = OperationTimeouts.DEFAULTS;
        OperationTimeouts t = new OperationTimeouts(
                duration(params.remove("start-timeout"), d.start(), "start-timeout"),
                duration(params.remove("stop-timeout"), d.stop(), "stop-timeout"),
                duration(params.remove("monitor-timeout"), d.monitor(), "monitor-timeout"),
                duration(params.remove("validate-timeout"), d.validate(), "validate-timeout"));
        Duration interval = duration(params.remove("monitor-interval"), DEFAULT_INTERVAL, "monitor-interval");
        return new Resource(ResourceId.of(r.id()), r.type() == null ? "" : r.type(), params, t, interval);
    }

    static ResourceDoc resource(Resource r) {
        for (String k : r.params().keySet()) {
            if (RESOURCE_KEYS.contains(k)) {
                throw new IllegalArgumentException("resource " + r.id() + ": parameter '" + k
                        + "' is reserved for the timeouts / monitor interval");
            }
        }
        Map<String, String> params = new LinkedHashMap<>(r.params());
        params.put("monitor-interval", format(r.monitorInterval()));
        params.put("start-timeout", format(r.timeouts().start()));
        params.put("stop-timeout", format(r.timeouts().stop()));
        params.put("monitor-timeout", format(r.timeouts().monitor()));
        params.put("validate-timeout", format(r.timeouts().validate()));
        return new ResourceDoc(r.id().value(), r.type(), params);
    }

    static GroupPolicy policy(GroupDoc g, PoliciesDoc cluster) {
        Map<String, String> kv = g.policy();
        for (String k : kv.keySet()) {
            if (!GROUP_KEYS.contains(k)) {
                throw new IllegalArgumentException("group " + g.id() + ": unknown policy key '" + k + "' (known: "
                        + GROUP_KEYS.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
        GroupPolicy d = GroupPolicy.DEFAULT;
        List<Colocation> colocations = new ArrayList<>();
        colocations(colocations, kv.get("with"), Colocation.Kind.WITH);
        colocations(colocations, kv.get("apart"), Colocation.Kind.APART);
        colocations(colocations, kv.get("prefer-apart"), Colocation.Kind.PREFER_APART);
        return new GroupPolicy(
                integer(kv.get("stickiness"), cluster.stickiness(), "stickiness"),
                kv.containsKey("failback") ? Failback.parse(kv.get("failback")) : d.failback(),
                integer(kv.get("migration-threshold"), cluster.migrationThreshold(), "migration-threshold"),
                duration(kv.get("failure-timeout"), d.failureTimeout(), "failure-timeout"),
                kv.containsKey("on-fail") ? onFail(kv.get("on-fail")) : d.onFail(),
                colocations,
                integer(kv.get("priority"), d.priority(), "priority"),
                kv.containsKey("managed") ? bool(kv.get("managed")) : d.managed());
    }

    static java.util.Optional<Placement> placement(GroupDoc g) {
        String on = g.policy().get("placed-on");
        if (on == null) {
            return java.util.Optional.empty();
        }
        String at = g.policy().get("placed-at");
        java.time.Instant when;
        try {
            when = at == null ? java.time.Instant.EPOCH : java.time.Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("group " + g.id() + ": placed-at '" + at + "' is not an ISO instant");
        }
        return java.util.Optional.of(new Placement(NodeId.of(on), g.policy().get("placed-by"), when));
    }

    static Map<String, String> policy(GroupPolicy p, java.util.Optional<Placement> placement) {
        Map<String, String> kv = policy(p);
        placement.ifPresent(pl -> {
            kv.put("placed-on", pl.node().value());
            kv.put("placed-by", pl.by());
            kv.put("placed-at", pl.at().toString());
        });
        return kv;
    }

    static Map<String, String> policy(GroupPolicy p) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("stickiness", Integer.toString(p.stickiness()));
        kv.put("failback", p.failback().toString());
        kv.put("migration-threshold", Integer.toString(p.migrationThreshold()));
        kv.put("failure-timeout", format(p.failureTimeout()));
        kv.put("on-fail", p.onFail().name().toLowerCase(Locale.ROOT));
        kv.put("priority", Integer.toString(p.priority()));
        kv.put("managed", Boolean.toString(p.managed()));
        for (Colocation.Kind k : Colocation.Kind.values()) {
            String others = p.colocations().stream().filter(c -> c.kind() == k).map(c -> c.other().value())
                    .collect(Collectors.joining(","));
            if (!others.isEmpty()) {
                kv.put(k.name().toLowerCase(Locale.ROOT).replace('_', '-'), others);
            }
        }
        return kv;
    }

    private static void colocations(List<Colocation> into, String csv, Colocation.Kind kind) {
        if (csv != null) {
            Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(o -> into.add(new Colocation(ResourceId.of(o), kind)));
        }
    }

    private static OnFail onFail(String text) {
        try {
            return OnFail.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("on-fail: '" + text + "' is not restart, move, stop, fence or block");
        }
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException("managed: '" + text + "' is not true or false");
        };
    }

    private static int integer(String text, int dflt, String what) {
        if (text == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a whole number");
        }
    }

    private static Duration duration(String text, Duration dflt, String what) {
        return text == null ? dflt : DurationWords.parse(text, what);
    }

    private static String format(Duration d) {
        return DurationWords.format(d);
    }
}
