package org.duplex.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.AuditEntry;
import org.duplex.api.admin.AuditLog;
import org.duplex.api.admin.ClusterAdmin;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.SimulationRequest;
import org.duplex.api.mirror.MirrorAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API's logic: routing, authentication, roles, input checks, audit, JSON. No servlet type appears here
 * ({@link ApiServlet} adapts), so every rule is tested without a container. Input is checked completely before
 * any service is called: a request is refused whole (4xx with the field at fault) or passed on whole.
 */
public final class RestApi {

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    /** The largest request body accepted (413 above). */
    public static final int MAX_BODY = 64 * 1024;

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /**
     * An endpoint: method, path template ({@code {x}} is one path segment), the least role it needs (null:
     * no login), whether it changes anything (then it is audited).
     */
    public record Route(String method, String template, Role role, boolean mutating) {
    }

    private static final List<Route> CORE_ROUTES = List.of(
            new Route("GET", "/openapi.json", null, false),
            new Route("POST", "/login", null, true),
            new Route("POST", "/logout", Role.VIEWER, true),
            new Route("GET", "/session", Role.VIEWER, false),
            // a fresh password check for one destructive request (Confirmations); any role may ask for its own
            new Route("POST", "/confirm", Role.VIEWER, true),
            new Route("GET", "/status", Role.VIEWER, false),
            new Route("GET", "/nodes", Role.VIEWER, false),
            new Route("GET", "/groups", Role.VIEWER, false),
            new Route("GET", "/resources", Role.VIEWER, false),
            new Route("GET", "/history", Role.VIEWER, false),
            new Route("GET", "/audit", Role.VIEWER, false),
            new Route("GET", "/metrics", Role.VIEWER, false),
            // each heartbeat link's latency, jitter and loss now (read back from the metrics page: one source)
            new Route("GET", "/links", Role.VIEWER, false),
            new Route("GET", "/configuration", Role.VIEWER, false),
            // changes nothing (the engine is pure): a viewer may ask, and like the other reads it is not audited
            new Route("POST", "/simulate", Role.VIEWER, false),
            // plug-ins, monitors, backups, maintenance mode: PlatformRoutes handles them
            PlatformRoutes.PLUGINS, PlatformRoutes.PLUGIN_INSTALL, PlatformRoutes.PLUGIN_REMOVE,
            PlatformRoutes.MONITORS, PlatformRoutes.MONITOR_CHECK, PlatformRoutes.MONITOR_ADD,
            PlatformRoutes.MONITOR_REMOVE,
            PlatformRoutes.BACKUPS, PlatformRoutes.BACKUP_SNAPSHOTS, PlatformRoutes.BACKUP_RUN,
            PlatformRoutes.BACKUP_RESTORE, PlatformRoutes.NODE_MAINTENANCE,
            new Route("POST", "/groups/{group}/switchover", Role.OPERATOR, true),
            new Route("POST", "/nodes/{node}/standby", Role.OPERATOR, true),
            new Route("POST", "/nodes/{node}/online", Role.OPERATOR, true),
            new Route("POST", "/resources/{resource}/cleanup", Role.OPERATOR, true));

    /** Every endpoint, the mirror's too ({@link MirrorRoutes}). openapi.json must list exactly these. */
    public static final List<Route> ROUTES = java.util.stream.Stream.of(CORE_ROUTES, MirrorRoutes.ROUTES,
            ClusterRoutes.ROUTES).flatMap(List::stream).toList();

    /** A refusal: status, the field at fault (or null), extra headers. */
    static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String field;
        final Map<String, String> headers;

        ApiError(int status, String field, String message) {
            this(status, field, message, Map.of());
        }

        ApiError(int status, String field, String message, Map<String, String> headers) {
            super(message);
            this.status = status;
            this.field = field;
            this.headers = headers;
        }
    }

    private final ObjectMapper json;
    private final Authenticator authenticator;
    private final TokenStore tokens;
    private final LoginLimiter limiter;
    private final Supplier<ClusterAdmin> cluster;
    private final Supplier<FailoverAdmin> failover;
    private final Supplier<AuditLog> audit;
    private final Supplier<String> metrics;
    private final Clock clock;
    private final Confirmations confirmations;
    private final byte[] openApi;
    private volatile PlatformRoutes platform = new PlatformRoutes(this, PlatformRoutes.Services.NONE);
    /** The mirror's routes; without {@link #withMirror} they answer 503 as on a node without the mirror. */
    private volatile MirrorRoutes mirror = new MirrorRoutes(this, () -> null);
    /** The registered clusters' routes; without {@link #withClusters} they answer 503. */
    private volatile ClusterRoutes clusters = new ClusterRoutes(this, () -> null);

    /**
     * @param metrics the Prometheus page of this node at this moment ({@link MetricsPage} over the registered
     *                sources)
     */
    public RestApi(Authenticator authenticator, TokenStore tokens, LoginLimiter limiter, Supplier<ClusterAdmin> cluster,
                   Supplier<FailoverAdmin> failover, Supplier<AuditLog> audit, Supplier<String> metrics, Clock clock) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.limiter = limiter;
        this.cluster = cluster;
        this.failover = failover;
        this.audit = audit;
        this.clock = clock;
        this.confirmations = new Confirmations(clock, 10_000);
        // its own type cache: Jackson's shared default one would keep this bundle's class loader alive after an
        // upgrade (see the cluster bundle's ConfigCodec.ownTypes)
        this.json = new ObjectMapper().setTypeFactory(TypeFactory.defaultInstance().withCache(
                (LookupCache<Object, JavaType>) new LRUMap<Object, JavaType>(16, 200)))
                .registerModule(new SimpleModule("duplex-web")
                .addSerializer(Instant.class, ToStringSerializer.instance))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        try (InputStream in = RestApi.class.getResourceAsStream("openapi.json")) {
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services of the plug-in, monitor and backup routes ({@link PlatformRoutes}); each may be absent. */
    public RestApi platform(Supplier<org.duplex.api.admin.PluginAdmin> plugins,
                            Supplier<org.duplex.api.admin.MonitorAdmin> monitors,
                            Supplier<org.duplex.api.admin.BackupAdmin> backups) {
        this.platform = new PlatformRoutes(this, new PlatformRoutes.Services(plugins, monitors, backups));
        return this;
    }

    /** Serves {@code /mirror/...} ({@link MirrorRoutes}) over this node's MirrorAdmin (null when not running). */
    public RestApi withMirror(Supplier<MirrorAdmin> admin) {
        this.mirror = new MirrorRoutes(this, admin);
        return this;
    }

    /** Serves {@code /clusters...} ({@link ClusterRoutes}) over these registered clusters. */
    public RestApi withClusters(RemoteClusters remote) {
        this.clusters = new ClusterRoutes(this, () -> remote);
        return this;
    }

    public static byte[] openApiDocument() {
        try (InputStream in = RestApi.class.getResourceAsStream("openapi.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Never throws: every failure is a response (500 only for a bug, logged with its stack). */
    public ApiResponse handle(ApiRequest r) {
        try {
            return route(r);
        } catch (ApiError e) {
            return error(e.status, e.field, e.getMessage(), e.headers);
        } catch (RuntimeException e) {
            LOG.error("REST {} {} failed", r.method(), r.path(), e);
            return error(500, null, "internal error: " + e, Map.of());
        }
    }

    /** A route found for a method and path: the route (null: none), its path parameter, whether the path exists. */
    private record Match(Route route, String param, boolean pathKnown) {
    }

    private static Match find(String method, String path) {
        String[] segments = path.substring(1).split("/", -1);
        boolean pathKnown = false;
        for (Route route : ROUTES) {
            String[] t = route.template().substring(1).split("/", -1);
            if (t.length != segments.length) {
                continue;
            }
            String p = null;
            boolean ok = true;
            for (int i = 0; i < t.length && ok; i++) {
                if (t[i].startsWith("{")) {
                    p = segments[i];
                } else {
                    ok = t[i].equals(segments[i]);
                }
            }
            if (ok) {
                pathKnown = true;
                if (route.method().equals(method)) {
                    return new Match(route, p, true);
                }
            }
        }
        return new Match(null, null, pathKnown);
    }

    private ApiResponse route(ApiRequest r) throws ApiError {
        String path = r.path() == null || r.path().isEmpty() ? "/" : r.path();
        Match found = find(r.method(), path);
        Route match = found.route();
        String param = found.param();
        boolean pathKnown = found.pathKnown();
        if (match == null) {
            if (pathKnown) {
                throw new ApiError(405, null, r.method() + " is not allowed on " + path);
            }
            throw new ApiError(404, null, "no endpoint " + path + " (GET /api/v1/openapi.json lists them)");
        }
        if (r.body() != null && r.body().length > MAX_BODY) {
            throw new ApiError(413, "(body)", "the body is larger than " + MAX_BODY + " bytes");
        }
        if (match.template().equals("/openapi.json")) {
            return new ApiResponse(200, Map.of(), openApi);
        }
        if (match.template().equals("/login")) {
            return login(r);
        }
        if (match.template().equals("/metrics")) {
            return metrics(r);
        }
        TokenStore.Session session = session(r);
        String paramName = match.template().contains("{") ? match.template().replaceAll(".*\\{(\\w+)}.*", "$1")
                : null;
        if (!session.role().atLeast(match.role())) {
            String what = match.method() + " " + match.template();
            if (match.mutating()) {
                record(session.user(), r, operation(match), paramName == null ? "" : paramName + "=" + param, false,
                        "denied: role " + session.role().word() + " may not");
            }
            throw new ApiError(403, null, "user " + session.user() + " has role " + session.role().word() + "; "
                    + what + " needs " + match.role().word() + " or admin");
        }
        if (paramName != null && !NAME.matcher(param).matches()) {
            throw new ApiError(400, paramName, paramName + " '" + param + "' is not a valid name: use 1-63 letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (PlatformRoutes.handles(match)) {
            return platform.handle(match, param, session, r);
        }
        if (match.template().startsWith(MirrorRoutes.PREFIX)) {
            return mirror.handle(match, param, session, r);
        }
        if (ClusterRoutes.handles(match)) {
            return clusters.handle(match, param, session, r);
        }
        switch (match.template()) {
            case "/logout" -> {
                object(r, Set.of());
                tokens.remove(session.token());
                record(session.user(), r, "logout", "", true, "ok");
                return ok(Map.of("loggedOut", session.user()));
            }
            case "/confirm" -> {
                return confirm(session, r);
            }
            case "/session" -> {
                return ok(Map.of("user", session.user(), "role", session.role().word(), "expires",
                        session.expires()));
            }
            case "/status" -> {
                return ok(call(() -> cluster().status()));
            }
            case "/links" -> {
                return ok(Map.of("links", LinkQuality.of(metrics.get())));
            }
            case "/nodes" -> {
                return ok(call(() -> cluster().status().nodes()));
            }
            case "/groups" -> {
                return ok(call(() -> failover().groups()));
            }
            case "/resources" -> {
                return ok(call(() -> failover().resources()));
            }
            case "/history" -> {
                int last = intQuery(r, "last", 50);
                String group = r.query().get("group");
                if (group != null && !NAME.matcher(group).matches()) {
                    throw new ApiError(400, "group", "group '" + group + "' is not a valid name");
                }
                return ok(call(() -> failover().history(group, last)));
            }
            case "/audit" -> {
                int last = intQuery(r, "last", 50);
                return ok(call(() -> audit().last(last)));
            }
            case "/configuration" -> {
                String doc = call(() -> failover().configuration());
                try {
                    return ok(json.readTree(doc));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the failover bundle wrote a configuration that is not JSON", e);
                }
            }
            case "/simulate" -> {
                JsonNode body = object(r, Set.of("failNodes", "configuration"));
                List<String> fail = names(body, "failNodes", MAX_FAIL_NODES);
                JsonNode candidate = body.get("configuration");
                String configuration = null;
                if (candidate != null && !candidate.isNull()) {
                    if (!candidate.isObject()) {
                        throw new ApiError(400, "configuration", "configuration must be an object (the document "
                                + "GET /api/v1/configuration returns), not " + candidate.getNodeType().name()
                                .toLowerCase());
                    }
                    try {
                        configuration = json.writeValueAsString(candidate);
                    } catch (JsonProcessingException e) {
                        throw new ApiError(400, "configuration", "configuration cannot be written back: "
                                + e.getOriginalMessage());
                    }
                }
                SimulationRequest request = new SimulationRequest(fail, configuration);
                return ok(call(() -> failover().simulate(request)));
            }
            case "/groups/{group}/switchover" -> {
                JsonNode body = object(r, Set.of("node", "reorder", "clear"));
                String node = text(body, "node", false, 63);
                if (node != null && !NAME.matcher(node).matches()) {
                    throw new ApiError(400, "node", "node '" + node + "' is not a valid name");
                }
                boolean reorder = flag(body, "reorder");
                boolean clear = flag(body, "clear");
                if (clear && (reorder || node != null)) {
                    throw new ApiError(400, "clear", "clear removes the group's placement and takes no node or "
                            + "reorder");
                }
                String args = "group=" + param + (node == null ? "" : " node=" + node) + (reorder ? " reorder"
                        : "") + (clear ? " clear" : "");
                String group = param;
                String user = session.user();
                if (clear) {
                    return mutate(session, r, "switchover", args, () -> java.util.Map.of("group", group,
                            "cleared", failover().clearPlacement(group, user)));
                }
                return mutate(session, r, "switchover", args, () -> failover().switchover(group, node, reorder,
                        user));
            }
            case "/nodes/{node}/standby", "/nodes/{node}/online" -> {
                object(r, Set.of());
                boolean standby = match.template().endsWith("standby");
                String node = param;
                return mutate(session, r, standby ? "node-standby" : "node-online", "node=" + node, () -> {
                    String text = cluster().setStandby(node, standby);
                    return Map.of("node", node, "mode", standby ? "STANDBY" : "ONLINE", "message", text);
                });
            }
            case "/resources/{resource}/cleanup" -> {
                object(r, Set.of());
                String resource = param;
                return mutate(session, r, "cleanup", "resource=" + resource,
                        () -> Map.of("resource", resource, "failuresForgotten", failover().cleanup(resource)));
            }
            default -> throw new IllegalStateException("route without handler: " + match);
        }
    }

    static String operation(Route route) {
        String platformOperation = PlatformRoutes.operation(route);
        if (platformOperation != null) {
            return platformOperation;
        }
        if (route.template().startsWith(MirrorRoutes.PREFIX)) {
            return MirrorRoutes.operation(route);
        }
        if (ClusterRoutes.handles(route)) {
            String op = ClusterRoutes.operation(route);
            return op == null ? "clusters" : op;
        }
        if (route.template().endsWith("/standby")) {
            return "node-standby";
        }
        if (route.template().endsWith("/online")) {
            return "node-online";
        }
        return route.template().substring(route.template().lastIndexOf('/') + 1);
    }

    // ---- login ------------------------------------------------------------------------------------------------

    private ApiResponse login(ApiRequest r) throws ApiError {
        String address = r.remoteAddress();
        Duration wait = limiter.retryAfter(address);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiError(429, null, "too many failed logins from " + address + "; retry in " + seconds + " s",
                    Map.of("Retry-After", String.valueOf(seconds)));
        }
        JsonNode body = object(r, Set.of("username", "password"));
        String user = text(body, "username", true, 256);
        String password = text(body, "password", true, 1024);
        if (user.isEmpty()) {
            throw new ApiError(400, "username", "username must not be empty");
        }
        Optional<Set<String>> roles = authenticator.authenticate(user, password.toCharArray());
        if (roles.isEmpty()) {
            limiter.failed(address);
            record(user, r, "login", "", false, "wrong user name or password");
            throw new ApiError(401, null, "wrong user name or password");
        }
        limiter.succeeded(address);
        Optional<Role> role = Role.of(roles.get());
        if (role.isEmpty()) {
            record(user, r, "login", "", false, "no Duplex role");
            throw new ApiError(403, null, "user " + user + " has none of the roles admin, operator, viewer "
                    + "(groups duplex-operator / duplex-viewer in etc/users.properties)");
        }
        TokenStore.Session s = tokens.create(user, role.get());
        record(user, r, "login", "", true, "role " + role.get().word());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", s.token());
        out.put("user", user);
        out.put("role", role.get().word());
        out.put("expires", s.expires());
        return ok(out);
    }

    /**
     * The Prometheus page. A Prometheus server sends HTTP Basic credentials (checked against the JAAS realm at every
     * scrape, rate-limited per address like {@code /login}; failures audited, successes not: one every 15 s would
     * drown the log); a bearer token of {@code /login} works too. Role viewer or above.
     */
    private ApiResponse metrics(ApiRequest r) throws ApiError {
        String h = r.authorization();
        String user;
        Role role;
        if (h != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
            String address = r.remoteAddress();
            Duration wait = limiter.retryAfter(address);
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                throw new ApiError(429, null, "too many failed logins from " + address + "; retry in " + seconds
                        + " s", Map.of("Retry-After", String.valueOf(seconds)));
            }
            String pair;
            try {
                pair = new String(java.util.Base64.getDecoder().decode(h.substring(6).strip()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "Authorization", "the Basic credentials are not valid base64");
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new ApiError(400, "Authorization", "the Basic credentials are not user:password");
            }
            user = pair.substring(0, colon);
            Optional<Set<String>> roles = authenticator.authenticate(user, pair.substring(colon + 1).toCharArray());
            if (roles.isEmpty()) {
                limiter.failed(address);
                record(user, r, "login", "metrics (basic)", false, "wrong user name or password");
                throw new ApiError(401, null, "wrong user name or password", Map.of("WWW-Authenticate",
                        "Basic realm=\"duplex\", charset=\"UTF-8\""));
            }
            limiter.succeeded(address);
            role = Role.of(roles.get()).orElseThrow(() -> new ApiError(403, null, "user " + user + " has none of "
                    + "the roles admin, operator, viewer (groups duplex-operator / duplex-viewer)"));
        } else if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            TokenStore.Session s = session(r);
            user = s.user();
            role = s.role();
        } else {
            throw new ApiError(401, null, "send HTTP Basic credentials of a viewer (a Prometheus scrape_config's "
                    + "basic_auth) or a bearer token from POST /api/v1/login", Map.of("WWW-Authenticate",
                    "Basic realm=\"duplex\", charset=\"UTF-8\""));
        }
        if (!role.atLeast(Role.VIEWER)) {
            throw new ApiError(403, null, "user " + user + " may not read metrics");
        }
        String page = metrics.get();
        return new ApiResponse(200, Map.of("Content-Type", MetricsText.CONTENT_TYPE),
                page.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code POST /confirm {"password", "path"}}: the session's user proves the password again (the JAAS realm
     * decides; rate-limited per address with the logins, a wrong one audited and counted) and gets a confirmation
     * for one request to {@code path}, which must be an operation that needs one ({@link Confirmations}).
     */
    private ApiResponse confirm(TokenStore.Session session, ApiRequest r) throws ApiError {
        String address = r.remoteAddress();
        Duration wait = limiter.retryAfter(address);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiError(429, null, "too many failed password checks from " + address + "; retry in " + seconds
                    + " s", Map.of("Retry-After", String.valueOf(seconds)));
        }
        JsonNode body = object(r, Set.of("password", "path"));
        String password = text(body, "password", true, 1024);
        String path = text(body, "path", true, 512);
        Route target = path.startsWith("/") ? find("POST", path).route() : null;
        if (target == null || !Confirmations.OPERATIONS.contains(operation(target))) {
            throw new ApiError(400, "path", "path '" + abbreviate(path) + "' is not an operation that needs a "
                    + "confirmation (the path below /api/v1 of one of: " + new java.util.TreeSet<>(
                    Confirmations.OPERATIONS) + ")");
        }
        String args = "path=" + path;
        Optional<Set<String>> roles = authenticator.authenticate(session.user(), password.toCharArray());
        if (roles.isEmpty()) {
            limiter.failed(address);
            record(session.user(), r, "confirm", args, false, "wrong password");
            throw new ApiError(403, "password", "wrong password: nothing was confirmed");
        }
        limiter.succeeded(address);
        Optional<Role> now = Role.of(roles.get());
        if (now.isEmpty() || !now.get().atLeast(target.role())) {
            String has = now.map(Role::word).orElse("no Duplex role");
            record(session.user(), r, "confirm", args, false, "denied: role " + has + " now");
            throw new ApiError(403, null, "user " + session.user() + " has " + has + " now; POST " + path
                    + " needs " + target.role().word() + " or admin");
        }
        String value = confirmations.issue(session.token(), path);
        record(session.user(), r, "confirm", args, true, "ok");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("confirmation", value);
        out.put("header", Confirmations.HEADER);
        out.put("path", path);
        out.put("expires", clock.instant().plus(Confirmations.TTL));
        return ok(out);
    }

    /**
     * The gate of a destructive operation ({@link Confirmations#OPERATIONS}): its request must carry a confirmation
     * of this session for this path, which it uses up. Missing: 428; not fitting: 403; both name the header.
     */
    void confirmed(TokenStore.Session s, ApiRequest r, String operation) throws ApiError {
        if (!Confirmations.OPERATIONS.contains(operation)) {
            return;
        }
        if (r.confirm() == null || r.confirm().isBlank()) {
            throw new ApiError(428, Confirmations.HEADER, operation + " needs the password confirmed again: POST "
                    + "/api/v1/confirm {\"password\": .., \"path\": \"" + r.path() + "\"} and send its "
                    + "confirmation in the " + Confirmations.HEADER + " header");
        }
        String why = confirmations.use(r.confirm().strip(), s.token(), r.path());
        if (why != null) {
            throw new ApiError(403, Confirmations.HEADER, Confirmations.HEADER + " refused: " + why
                    + "; confirm again with POST /api/v1/confirm");
        }
    }

    private TokenStore.Session session(ApiRequest r) throws ApiError {
        String h = r.authorization();
        Map<String, String> challenge = Map.of("WWW-Authenticate", "Bearer realm=\"duplex\"");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, null, "log in first: POST /api/v1/login, then send Authorization: Bearer TOKEN",
                    challenge);
        }
        return tokens.find(h.substring(7).strip()).orElseThrow(() -> new ApiError(401, null,
                "the token is unknown or expired: log in again", challenge));
    }

    // ---- services ---------------------------------------------------------------------------------------------

    ClusterAdmin cluster() throws ApiError {
        ClusterAdmin c = cluster.get();
        if (c == null) {
            throw new ApiError(503, null, "the cluster node is not running on this node (ha:status says why)");
        }
        return c;
    }

    FailoverAdmin failover() throws ApiError {
        FailoverAdmin f = failover.get();
        if (f == null) {
            throw new ApiError(503, null, "the failover service is not running on this node (ha:status says why)");
        }
        return f;
    }

    private AuditLog audit() throws ApiError {
        AuditLog a = audit.get();
        if (a == null) {
            throw new ApiError(503, null, "the audit log is not available on this node");
        }
        return a;
    }

    @FunctionalInterface
    interface Call<T> {
        T get() throws ApiError, AdminException;
    }

    <T> T call(Call<T> c) throws ApiError {
        try {
            return c.get();
        } catch (AdminException e) {
            throw new ApiError(status(e), e.field(), e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(503, null, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, null, e.getMessage());
        }
    }

    ApiResponse mutate(TokenStore.Session s, ApiRequest r, String operation, String args, Call<Object> c)
            throws ApiError {
        try {
            confirmed(s, r, operation);
            Object result = call(c);
            record(s.user(), r, operation, args, true, "ok");
            return ok(result);
        } catch (ApiError e) {
            record(s.user(), r, operation, args, false, e.status + ": " + e.getMessage());
            throw e;
        }
    }

    private static int status(AdminException e) {
        return switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case REFUSED -> 409;
        };
    }

    void record(String user, ApiRequest r, String operation, String args, boolean success, String result) {
        AuditLog a = audit.get();
        if (a == null) {
            LOG.warn("audit log missing: {} from {}: {} {} -> {}", user, r.remoteAddress(), operation, args, result);
            return;
        }
        a.record(new AuditEntry(clock.instant(), user, r.remoteAddress(), "rest", operation, args, success, result));
    }

    // ---- input --------------------------------------------------------------------------------------------------

    /** The body as a JSON object with only {@code allowed} fields; an empty body is an empty object. */
    JsonNode object(ApiRequest r, Set<String> allowed) throws ApiError {
        byte[] b = r.body() == null ? new byte[0] : r.body();
        if (new String(b, StandardCharsets.UTF_8).isBlank()) {
            return json.createObjectNode();
        }
        JsonNode n;
        try {
            n = json.readTree(b);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "(body)", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "(body)", "the body cannot be read: " + e.getMessage());
        }
        if (n == null || n.isMissingNode() || !(n instanceof ObjectNode)) {
            throw new ApiError(400, "(body)", "the body must be a JSON object"
                    + (allowed.isEmpty() ? " (empty: {})" : " with fields " + allowed));
        }
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!allowed.contains(f)) {
                throw new ApiError(400, f, "unknown field '" + f + "'"
                        + (allowed.isEmpty() ? ": this request takes no fields" : "; allowed: " + allowed));
            }
        }
        return n;
    }

    /** The most nodes one simulation may fail (the cluster's own limit is 32 nodes). */
    static final int MAX_FAIL_NODES = 32;

    /** An optional list of valid names (absent or null: empty). */
    private static List<String> names(JsonNode body, String field, int max) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ApiError(400, field, field + " must be a list of node names, not "
                    + v.getNodeType().name().toLowerCase());
        }
        if (v.size() > max) {
            throw new ApiError(400, field, field + " has " + v.size() + " entries; at most " + max);
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                throw new ApiError(400, field, field + "[" + i + "] must be a string, not "
                        + e.getNodeType().name().toLowerCase());
            }
            if (!NAME.matcher(e.textValue()).matches()) {
                throw new ApiError(400, field, field + "[" + i + "] '" + abbreviate(e.textValue())
                        + "' is not a valid node name");
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** An optional boolean field: false when absent or null. */
    static boolean flag(JsonNode body, String field) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new ApiError(400, field, field + " must be true or false, not " + v.getNodeType().name()
                    .toLowerCase());
        }
        return v.booleanValue();
    }

    static String text(JsonNode body, String field, boolean required, int maxLength) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiError(400, field, field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(400, field, field + " must be a string, not " + v.getNodeType().name().toLowerCase());
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            throw new ApiError(400, field, field + " is longer than " + maxLength + " characters");
        }
        return s;
    }

    private static int intQuery(ApiRequest r, String name, int dflt) throws ApiError {
        String v = r.query().get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > 10_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name, name + " must be a whole number from 1 to 10000, not '" + v + "'");
        }
    }

    // ---- output -------------------------------------------------------------------------------------------------

    ApiResponse ok(Object value) {
        try {
            return new ApiResponse(200, Map.of(), json.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    private ApiResponse error(int status, String field, String message, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        try {
            return new ApiResponse(status, headers, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return new ApiResponse(status, headers, ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

}
