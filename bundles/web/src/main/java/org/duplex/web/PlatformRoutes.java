package org.duplex.web;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.api.admin.BackupAdmin;
import org.duplex.api.admin.MonitorAdmin;
import org.duplex.api.admin.MonitorRequest;
import org.duplex.api.admin.PluginAdmin;
import org.duplex.api.admin.PluginChange;
import org.duplex.api.model.NodeMode;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.web.RestApi.ApiError;
import org.duplex.web.RestApi.Route;

/**
 * The REST routes of the node's platform: plug-ins ({@code ha:plugin-*}), monitors ({@code ha:monitors},
 * {@code ha:monitor-*}), backups ({@code ha:backup-*}, only while the optional backup plug-in is installed) and
 * maintenance mode ({@code ha:node-maintenance}). {@link RestApi} routes, authenticates, checks the role and the
 * path's name before it hands a request here; the same input rules, audit and error shapes apply.
 */
final class PlatformRoutes {

    static final Route PLUGINS = new Route("GET", "/plugins", Role.VIEWER, false);
    static final Route PLUGIN_INSTALL = new Route("POST", "/plugins/{plugin}/install", Role.ADMIN, true);
    static final Route PLUGIN_REMOVE = new Route("POST", "/plugins/{plugin}/remove", Role.ADMIN, true);
    static final Route MONITORS = new Route("GET", "/monitors", Role.VIEWER, false);
    static final Route MONITOR_CHECK = new Route("POST", "/monitors/types/{type}/check", Role.OPERATOR, true);
    static final Route MONITOR_ADD = new Route("POST", "/monitors/{monitor}/add", Role.ADMIN, true);
    static final Route MONITOR_REMOVE = new Route("POST", "/monitors/{monitor}/remove", Role.ADMIN, true);
    static final Route BACKUPS = new Route("GET", "/backups", Role.VIEWER, false);
    static final Route BACKUP_SNAPSHOTS = new Route("GET", "/backups/{job}/snapshots", Role.VIEWER, false);
    static final Route BACKUP_RUN = new Route("POST", "/backups/{job}/run", Role.OPERATOR, true);
    static final Route BACKUP_RESTORE = new Route("POST", "/backups/{job}/restore", Role.OPERATOR, true);
    static final Route NODE_MAINTENANCE = new Route("POST", "/nodes/{node}/maintenance", Role.OPERATOR, true);

    static final List<Route> ROUTES = List.of(PLUGINS, PLUGIN_INSTALL, PLUGIN_REMOVE, MONITORS, MONITOR_CHECK,
            MONITOR_ADD, MONITOR_REMOVE, BACKUPS, BACKUP_SNAPSHOTS, BACKUP_RUN, BACKUP_RESTORE, NODE_MAINTENANCE);

    /** How long a plug-in change waits for the nodes' reports unless the body says (under the console's 30 s). */
    static final int PLUGIN_WAIT_SECONDS = 20;

    /** The services these routes use; each may be absent (then 503 naming it). */
    record Services(Supplier<PluginAdmin> plugins, Supplier<MonitorAdmin> monitors, Supplier<BackupAdmin> backups) {
        static final Services NONE = new Services(() -> null, () -> null, () -> null);
    }

    private final RestApi api;
    private final Services services;

    PlatformRoutes(RestApi api, Services services) {
        this.api = api;
        this.services = services;
    }

    static boolean handles(Route route) {
        return ROUTES.contains(route);
    }

    /** The audit's name of an operation (also when it is denied). */
    static String operation(Route route) {
        if (route.equals(PLUGIN_INSTALL) || route.equals(PLUGIN_REMOVE)) {
            return "plugin-" + last(route);
        }
        if (route.equals(MONITOR_CHECK) || route.equals(MONITOR_ADD) || route.equals(MONITOR_REMOVE)) {
            return "monitor-" + last(route);
        }
        if (route.equals(BACKUP_RUN) || route.equals(BACKUP_RESTORE)) {
            return "backup-" + last(route);
        }
        if (route.equals(NODE_MAINTENANCE)) {
            return "node-maintenance";
        }
        return null;
    }

    private static String last(Route route) {
        return route.template().substring(route.template().lastIndexOf('/') + 1);
    }

    /** {@code param} is the path's name, already checked against {@link RestApi#NAME}. */
    ApiResponse handle(Route route, String param, TokenStore.Session session, ApiRequest r) throws ApiError {
        if (route.equals(PLUGINS)) {
            return api.ok(api.call(() -> plugins().plugins()));
        }
        if (route.equals(PLUGIN_INSTALL) || route.equals(PLUGIN_REMOVE)) {
            JsonNode body = api.object(r, Set.of("timeoutSeconds"));
            int wait = number(body, "timeoutSeconds", 1, 600, PLUGIN_WAIT_SECONDS);
            boolean install = route.equals(PLUGIN_INSTALL);
            return audited(session, r, operation(route), "plugin=" + param, "plugin", PluginChange::summary,
                    () -> {
                PluginAdmin p = plugins();
                try {
                    return install ? p.install(param, Duration.ofSeconds(wait))
                            : p.remove(param, Duration.ofSeconds(wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiError(503, null, "interrupted while waiting for the nodes' reports");
                }
            });
        }
        if (route.equals(MONITORS)) {
            Map<String, Object> out = new LinkedHashMap<>();
            MonitorAdmin m = monitors();
            out.put("types", m.types());
            out.put("defaultTimeoutMillis", m.defaultTimeout().toMillis());
            out.put("bindings", api.call(() -> api.failover().monitors()));
            return api.ok(out);
        }
        if (route.equals(MONITOR_CHECK)) {
            JsonNode body = api.object(r, Set.of("params", "timeoutMillis"));
            Map<String, String> params = strings(body, "params");
            MonitorAdmin m = monitors();
            long timeout = number(body, "timeoutMillis", 1, 600_000, (int) Math.min(600_000,
                    m.defaultTimeout().toMillis()));
            StringBuilder args = new StringBuilder("type=" + param);
            params.forEach((k, v) -> args.append(' ').append(k).append('=').append(v));
            return audited(session, r, operation(route), args.toString(), null, x -> String.valueOf(x.get("health")),
                    () -> {
                        HealthStatus s = m.check(param, params, Duration.ofMillis(timeout));
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("type", param);
                        out.put("health", s.health().name());
                        out.put("reason", s.reason());
                        out.put("elapsedMillis", s.elapsed().toMillis());
                        return out;
                    });
        }
        if (route.equals(MONITOR_ADD)) {
            JsonNode body = api.object(r, Set.of("type", "on", "target", "interval", "timeout", "count", "onFail",
                    "params", "replace"));
            String type = RestApi.text(body, "type", true, 63);
            if (!RestApi.NAME.matcher(type).matches()) {
                throw new ApiError(400, "type", "type '" + type + "' is not a valid monitor type name");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("on", RestApi.text(body, "on", true, 16));
            settings.put("target", RestApi.text(body, "target", true, 63));
            String[][] optional = {{"interval", "interval"}, {"timeout", "timeout"}, {"onFail", "on-fail"}};
            for (String[] f : optional) {
                String v = RestApi.text(body, f[0], false, 32);
                if (v != null) {
                    settings.put(f[1], v);
                }
            }
            JsonNode count = body.get("count");
            if (count != null && !count.isNull()) {
                settings.put("count", String.valueOf(number(body, "count", 1, 1000, 1)));
            }
            Map<String, String> params = strings(body, "params");
            for (String k : params.keySet()) {
                if (Set.of("on", "target", "interval", "timeout", "count", "on-fail", "type").contains(k)) {
                    throw new ApiError(400, "params", "params: '" + k + "' is a setting of the binding; send it as "
                            + "its own field");
                }
            }
            settings.putAll(params);
            boolean replace = RestApi.flag(body, "replace");
            MonitorRequest request = new MonitorRequest(param, type, settings, replace);
            StringBuilder args = new StringBuilder("monitor=" + param + " type=" + type);
            settings.forEach((k, v) -> args.append(' ').append(k).append('=').append(v));
            if (replace) {
                args.append(" replace");
            }
            return audited(session, r, operation(route), args.toString(), "monitor", x -> "ok",
                    () -> Map.of("monitor", param, "message", api.failover().addMonitor(request)));
        }
        if (route.equals(MONITOR_REMOVE)) {
            api.object(r, Set.of());
            return audited(session, r, operation(route), "monitor=" + param, "monitor", x -> "ok",
                    () -> Map.of("monitor", param, "message", api.failover().removeMonitor(param)));
        }
        if (route.equals(BACKUPS)) {
            return api.ok(api.call(() -> backups().jobs()));
        }
        if (route.equals(BACKUP_SNAPSHOTS)) {
            return api.ok(api.call(() -> {
                try {
                    return backups().snapshots(param);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiError(503, null, "interrupted while listing the snapshots");
                }
            }));
        }
        if (route.equals(BACKUP_RUN)) {
            api.object(r, Set.of());
            return audited(session, r, operation(route), "job=" + param, null, x -> "started",
                    () -> Map.of("job", param, "message", backups().run(param)));
        }
        if (route.equals(BACKUP_RESTORE)) {
            JsonNode body = api.object(r, Set.of("snapshot", "target", "intoDatabase", "set", "timeoutSeconds"));
            String snapshot = RestApi.text(body, "snapshot", true, 64);
            if (!snapshot.equals("latest") && !snapshot.matches("[0-9a-f]{8,64}")) {
                throw new ApiError(400, "snapshot", "snapshot '" + snapshot + "' is not a snapshot id (8-64 "
                        + "hexadecimal digits) or latest");
            }
            boolean intoDatabase = RestApi.flag(body, "intoDatabase");
            String target = RestApi.text(body, "target", false, 4096);
            Map<String, String> set = strings(body, "set");
            if (intoDatabase && target != null) {
                throw new ApiError(400, "target", "target and intoDatabase: choose one");
            }
            if (!intoDatabase && !set.isEmpty()) {
                throw new ApiError(400, "set", "set replaces parameters of the database server: only with "
                        + "intoDatabase: true");
            }
            if (!intoDatabase && target == null) {
                throw new ApiError(400, "target", "target is required: an absolute directory of this node to "
                        + "restore into (or intoDatabase: true for a database job)");
            }
            int timeout = number(body, "timeoutSeconds", 1, 86_400, 3600);
            String args = "job=" + param + " snapshot=" + snapshot + (intoDatabase ? " into-database"
                    + (set.isEmpty() ? "" : " set=" + set.keySet()) : " target=" + target);
            return audited(session, r, operation(route), args, null, x -> "started", () -> {
                BackupAdmin b = backups();
                try {
                    return Map.of("job", param, "message", intoDatabase
                            ? b.restoreDatabase(param, snapshot, set, Duration.ofSeconds(timeout))
                            : b.restore(param, snapshot, target, Duration.ofSeconds(timeout)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiError(503, null, "interrupted while checking the snapshot");
                }
            });
        }
        if (route.equals(NODE_MAINTENANCE)) {
            api.object(r, Set.of());
            return audited(session, r, operation(route), "node=" + param, null, x -> "ok", () -> Map.of("node",
                    param, "mode", "MAINTENANCE", "message", api.cluster().setMode(param, NodeMode.MAINTENANCE)));
        }
        throw new IllegalStateException("route without handler: " + route);
    }

    // ---- services -----------------------------------------------------------------------------------------------

    private PluginAdmin plugins() throws ApiError {
        PluginAdmin p = services.plugins().get();
        if (p == null) {
            throw new ApiError(503, null, "the plug-in manager is not running on this node (ha:status says why)");
        }
        return p;
    }

    private MonitorAdmin monitors() throws ApiError {
        MonitorAdmin m = services.monitors().get();
        if (m == null) {
            throw new ApiError(503, null, "the monitor registry is not running on this node (feature duplex-core)");
        }
        return m;
    }

    private BackupAdmin backups() throws ApiError {
        BackupAdmin b = services.backups().get();
        if (b == null) {
            throw new ApiError(503, null, "backups need the backup plug-in, which is not installed on this node "
                    + "(POST /api/v1/plugins/duplex-plugin-backup/install, or ha:plugin-install duplex-plugin-backup)");
        }
        return b;
    }

    // ---- audit and input ----------------------------------------------------------------------------------------

    /**
     * Runs an operation and audits it: its outcome in {@code words} when it succeeds, the refusal when not. A
     * service's refusal of its {@code name} input is about the path's name: its field is {@code pathField}.
     */
    private <T> ApiResponse audited(TokenStore.Session s, ApiRequest r, String operation, String args,
                                    String pathField, Function<T, String> words, RestApi.Call<T> c) throws ApiError {
        try {
            T result;
            try {
                api.confirmed(s, r, operation);
                result = api.call(c);
            } catch (ApiError e) {
                throw pathField != null && "name".equals(e.field) ? new ApiError(e.status, pathField, e.getMessage(),
                        e.headers) : e;
            }
            api.record(s.user(), r, operation, args, true, words.apply(result));
            return api.ok(result);
        } catch (ApiError e) {
            api.record(s.user(), r, operation, args, false, e.status + ": " + e.getMessage());
            throw e;
        }
    }

    /** An optional object of string values (absent or null: empty); at most 64 entries. */
    static Map<String, String> strings(JsonNode body, String field) throws ApiError {
        JsonNode v = body.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new ApiError(400, field, field + " must be an object of names to strings, not "
                    + v.getNodeType().name().toLowerCase());
        }
        if (v.size() > 64) {
            throw new ApiError(400, field, field + " has " + v.size() + " entries; at most 64");
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("[a-z0-9][a-z0-9._-]{0,62}")) {
                throw new ApiError(400, field, field + ": '" + abbreviate(e.getKey()) + "' is not a parameter name "
                        + "(lower-case letters, digits, '.', '_', '-')");
            }
            if (!e.getValue().isTextual() && !e.getValue().isNumber() && !e.getValue().isBoolean()) {
                throw new ApiError(400, field, field + "." + e.getKey() + " must be a string, not "
                        + e.getValue().getNodeType().name().toLowerCase());
            }
            String s = e.getValue().asText();
            if (s.length() > 1024 || s.chars().anyMatch(ch -> ch < 0x20)) {
                throw new ApiError(400, field, field + "." + e.getKey() + " is longer than 1024 characters or "
                        + "holds control characters");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** An optional whole number in [min, max] ({@code dflt} when absent or null). */
    static int number(JsonNode body, String field, int min, int max, int dflt) throws ApiError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new ApiError(400, field, field + " must be a whole number from " + min + " to " + max + ", not "
                    + abbreviate(v.toString()));
        }
        return v.intValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
