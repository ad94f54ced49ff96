package org.duplex.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.AuditEntry;
import org.duplex.api.admin.AuditLog;
import org.duplex.api.admin.ClusterAdmin;
import org.duplex.api.admin.ClusterStatus;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.GroupInfo;
import org.duplex.api.admin.HistoryEntry;
import org.duplex.api.admin.NodeInfo;
import org.duplex.api.admin.ResourceInfo;
import org.duplex.api.admin.SimulationRequest;
import org.duplex.api.admin.SimulationResult;
import org.duplex.api.admin.SwitchoverOutcome;

/** A RestApi over in-memory admin services (the real ones are exercised by RestApiIT), with a movable clock. */
final class Fixture {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String CONFIGURATION = "{\"resources\":[{\"id\":\"vip\",\"type\":\"vip\",\"params\":"
            + "{\"ip\":\"10.0.0.10/24\"}}],\"groups\":[{\"id\":\"web\",\"resources\":[\"vip\"],"
            + "\"nodes\":[\"n1\",\"n2\"]}],\"monitors\":[],\"policies\":{\"noQuorum\":\"STOP\"}}";

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T01:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final MovableClock clock = new MovableClock();
    final List<AuditEntry> audit = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    String where = "n1";

    final AuditLog auditLog = new AuditLog() {
        @Override
        public void record(AuditEntry entry) {
            audit.add(entry);
        }

        @Override
        public List<AuditEntry> last(int last) {
            return audit.subList(Math.max(0, audit.size() - last), audit.size());
        }
    };

    final ClusterAdmin cluster = new ClusterAdmin() {
        @Override
        public ClusterStatus status() {
            return new ClusterStatus("c", "n1", true, "2 of 2", 2, 2, "n1", 3, 7, "none",
                    List.of(new NodeInfo("n1", "MEMBER", 1, "ONLINE", true, "SELF", true, Map.of()),
                            new NodeInfo("n2", "MEMBER", 1, "ONLINE", true, "ALIVE", false, Map.of("udp0", "UP"))));
        }

        @Override
        public String setStandby(String node, boolean standby) throws AdminException {
            if (!Set.of("n1", "n2").contains(node)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "node", "node: unknown node '" + node + "'");
            }
            calls.add((standby ? "standby " : "online ") + node);
            return "Applied as configuration version 8.";
        }

        @Override
        public String setMode(String node, org.duplex.api.model.NodeMode mode) throws AdminException {
            return platform.setMode(node, mode);
        }
    };

    final FailoverAdmin failover = new FailoverAdmin() {
        @Override
        public List<GroupInfo> groups() {
            return List.of(new GroupInfo("web", List.of("n1", "n2"), List.of("vip"),
                    Map.of(where, Map.of("vip", "running")), List.of(where), List.of()));
        }

        @Override
        public List<ResourceInfo> resources() {
            return List.of(new ResourceInfo("vip", "vip", "web", Map.of("ip", "10.0.0.10/24"), true,
                    Map.of(where, "running"), Map.of()));
        }

        @Override
        public List<HistoryEntry> history(String group, int last) {
            return List.of(new HistoryEntry(Instant.parse("2026-12-06T00:00:00Z"), "n1", "web", "vip", "action",
                    "start vip on n1: placement"));
        }

        /** The group's placement in this fake: null, or the node a non-reordering switchover placed it on. */
        String placedOn;

        @Override
        public SwitchoverOutcome switchover(String group, String node, boolean reorder, String user)
                throws AdminException {
            SwitchoverOutcome o = switchover(group, node);
            calls.set(calls.size() - 1, calls.get(calls.size() - 1) + (reorder ? " reorder" : " by " + user));
            placedOn = reorder ? null : o.to();
            return new SwitchoverOutcome(o.group(), o.from(), o.to(), o.outageMillis(), o.steps(), reorder,
                    reorder ? "node list reordered" : "placed on " + o.to() + " (by " + user + ")");
        }

        @Override
        public String clearPlacement(String group, String user) throws AdminException {
            if (!group.equals("web")) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "group", "no group " + group);
            }
            calls.add("clear " + group + " by " + user);
            String was = placedOn;
            placedOn = null;
            return was == null ? "web has no operator placement" : "web: placement on " + was + " cleared";
        }

        @Override
        public SwitchoverOutcome switchover(String group, String node) throws AdminException {
            if (!group.equals("web")) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "group", "no group " + group);
            }
            if (node != null && !Set.of("n1", "n2").contains(node)) {
                throw new AdminException(AdminException.Kind.INVALID, "node", node + " is not in the node list");
            }
            String to = node == null ? (where.equals("n1") ? "n2" : "n1") : node;
            if (to.equals(where)) {
                throw new AdminException(AdminException.Kind.REFUSED, null, "web already runs on " + to);
            }
            calls.add("switchover " + group + " " + to);
            String from = where;
            where = to;
            return new SwitchoverOutcome(group, from, to, 120, List.of("stop vip on " + from, "start vip on " + to));
        }

        @Override
        public int cleanup(String resource) throws AdminException {
            if (!resource.equals("vip")) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "resource", "no resource " + resource);
            }
            calls.add("cleanup " + resource);
            return 2;
        }

        @Override
        public List<org.duplex.api.admin.MonitorInfo> monitors() {
            return platform.monitors();
        }

        @Override
        public String addMonitor(org.duplex.api.admin.MonitorRequest request) throws AdminException {
            return platform.addMonitor(request);
        }

        @Override
        public String removeMonitor(String name) throws AdminException {
            return platform.removeMonitor(name);
        }

        @Override
        public String configuration() {
            return CONFIGURATION;
        }

        /** As the failover bundle's: unknown nodes and unreadable candidates refused with their field. */
        @Override
        public SimulationResult simulate(SimulationRequest request) throws AdminException {
            for (String n : request.failNodes()) {
                if (!Set.of("n1", "n2").contains(n)) {
                    throw new AdminException(AdminException.Kind.NOT_FOUND, "failNodes", "unknown node " + n
                            + "; known: [n1, n2]");
                }
            }
            List<String> order = List.of("n1", "n2");
            if (request.configuration() != null) {
                JsonNode doc;
                try {
                    doc = JSON.readTree(request.configuration());
                } catch (java.io.IOException e) {
                    throw new AdminException(AdminException.Kind.INVALID, "configuration", "configuration: " + e);
                }
                JsonNode nodes = doc.path("groups").path(0).path("nodes");
                if (!nodes.isArray()) {
                    throw new AdminException(AdminException.Kind.INVALID, "configuration",
                            "configuration: groups[0].nodes is not a list");
                }
                List<String> o = new ArrayList<>();
                nodes.forEach(n -> o.add(n.asText()));
                order = o;
            }
            calls.add("simulate " + request.failNodes() + (request.configuration() == null ? "" : " candidate"));
            String to = order.stream().filter(n -> !request.failNodes().contains(n)).findFirst().orElse(null);
            List<SimulationResult.PlannedAction> actions = new ArrayList<>();
            if (to != null && !to.equals(where)) {
                if (!request.failNodes().contains(where)) {
                    actions.add(new SimulationResult.PlannedAction("stop", "move", where, "web", "vip",
                            "web prefers " + to));
                }
                actions.add(new SimulationResult.PlannedAction("start", request.failNodes().contains(where)
                        ? "recover" : "move", to, "web", "vip", "web recovered on " + to));
            }
            return new SimulationResult(request.failNodes(), request.configuration() != null,
                    List.of(new SimulationResult.Group("web", order, List.of(where),
                            to == null ? List.of() : List.of(to), actions,
                            actions.stream().map(SimulationResult.PlannedAction::reason).distinct().toList())),
                    actions, List.of(), List.of());
        }
    };

    /** admin/adminpassword (admin role), olga (operator), vera (viewer), nina (no Duplex role). */
    final Authenticator passwords = (user, password) -> {
        Map<String, String> pw = Map.of("admin", "adminpassword", "olga", "olgapassword", "vera", "verapassword",
                "nina", "ninapassword");
        Map<String, Set<String>> roles = Map.of("admin", Set.of("admin", "viewer", "ssh"), "olga",
                Set.of("operator", "viewer", "ssh"), "vera", Set.of("viewer", "ssh"), "nina", Set.of("ssh"));
        return pw.getOrDefault(user, "\0").equals(new String(password)) ? Optional.of(roles.get(user))
                : Optional.empty();
    };

    /** The metrics sources the page shows (a test adds its own). */
    final List<MetricsPage.Named> metricsSources = new ArrayList<>(List.of(new MetricsPage.Named("cluster",
            out -> out.gauge("duplex_cluster_quorate", "1 when quorate", Map.of(), 1))));
    final MetricsPage metricsPage = new MetricsPage();

    final RestApi api = new RestApi(passwords, new TokenStore(clock, Duration.ofMinutes(60), 100),
            new LoginLimiter(clock, 5, Duration.ofSeconds(60)), () -> cluster, () -> failover, () -> auditLog,
            () -> metricsPage.render(metricsSources), clock);

    /** This node's mirror (null: the duplex-mirror feature is not installed). */
    volatile org.duplex.api.mirror.MirrorAdmin mirror = new FakeMirror(calls);

    /** Where this fixture's registered clusters are kept (a fresh temporary directory: none registered). */
    final java.nio.file.Path clustersFile;

    {
        api.withMirror(() -> mirror);
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("duplex-web-fixture");
            dir.toFile().deleteOnExit();
            clustersFile = dir.resolve("duplex-clusters.json");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        api.withClusters(new RemoteClusters(new ClusterRegistry(clustersFile), Duration.ofSeconds(2), clock));
    }

    /** A request with this Authorization header as it is (null: none). */
    ApiResponse callWith(String method, String path, String authorization, String from) {
        return api.handle(new ApiRequest(method, path, Map.of(), authorization, from, new byte[0]));
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    ApiResponse call(String method, String path, String token, String body) {
        return call(method, path, Map.of(), token, body, "10.0.0.1");
    }

    /**
     * Whether {@link #call} first confirms the password (POST /confirm with the token's user's password) for an
     * operation that needs it, as the console does; the tests of the confirmation itself turn it off.
     */
    boolean autoConfirm = true;

    /** The user each token of {@link #login} belongs to (for {@link #autoConfirm}). */
    final Map<String, String> users = new java.util.HashMap<>();

    ApiResponse call(String method, String path, Map<String, String> query, String token, String body, String from) {
        String confirmation = null;
        if (autoConfirm && token != null && users.containsKey(token) && "POST".equals(method)
                && confirms(path)) {
            ApiResponse c = api.handle(new ApiRequest("POST", "/confirm", Map.of(), "Bearer " + token, from,
                    ("{\"password\":\"" + users.get(token) + "password\",\"path\":\"" + path + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
            if (c.status() == 200) {
                confirmation = json(c).get("confirmation").asText();
            }
        }
        return api.handle(new ApiRequest(method, path, query, token == null ? null : "Bearer " + token, from,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), confirmation));
    }

    /** A request carrying this confirmation header as it is. */
    ApiResponse confirmed(String path, String token, String body, String confirmation) {
        return api.handle(new ApiRequest("POST", path, Map.of(), "Bearer " + token, "10.0.0.1",
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), confirmation));
    }

    /** Whether a POST to this path is an operation that needs a confirmation. */
    static boolean confirms(String path) {
        for (RestApi.Route r : RestApi.ROUTES) {
            if (r.method().equals("POST") && Confirmations.OPERATIONS.contains(RestApi.operation(r))
                    && path.matches(r.template().replaceAll("\\{\\w+}", "[^/]*"))) {
                return true;
            }
        }
        return false;
    }

    String login(String user) {
        ApiResponse r = call("POST", "/login", null, "{\"username\":\"" + user + "\",\"password\":\"" + user
                + "password\"}");
        if (r.status() != 200) {
            throw new AssertionError("login " + user + ": " + r.status() + " " + r.text());
        }
        String token = json(r).get("token").asText();
        users.put(token, user);
        return token;
    }

    /** Plug-ins, monitors, backups, node modes (after {@code api}: it hooks its services into it). */
    final PlatformFakes platform = new PlatformFakes(this);

    static JsonNode json(ApiResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }
}
