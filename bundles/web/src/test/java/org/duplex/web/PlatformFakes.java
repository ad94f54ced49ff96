package org.duplex.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.BackupAdmin;
import org.duplex.api.admin.BackupJobInfo;
import org.duplex.api.admin.BackupRun;
import org.duplex.api.admin.BackupSnapshot;
import org.duplex.api.admin.MonitorAdmin;
import org.duplex.api.admin.MonitorInfo;
import org.duplex.api.admin.MonitorRequest;
import org.duplex.api.admin.MonitorResult;
import org.duplex.api.admin.PluginAdmin;
import org.duplex.api.admin.PluginChange;
import org.duplex.api.admin.PluginNodeState;
import org.duplex.api.admin.PluginOverview;
import org.duplex.api.model.NodeMode;
import org.duplex.api.monitor.HealthStatus;

/**
 * In-memory plug-in, monitor and backup services for {@link Fixture}'s RestApi, refusing as the real ones do (the
 * real ones run in PlatformRoutesIT). Every change is written to the fixture's {@code calls}.
 */
final class PlatformFakes {

    static final String PING = "duplex-plugin-ping";

    private final Fixture f;
    final List<String> wanted = new ArrayList<>();
    final Map<String, MonitorInfo> bindings = new LinkedHashMap<>();
    /** Whether the backup plug-in is installed (its service present). */
    boolean backupInstalled = true;
    final Map<String, String> modes = new LinkedHashMap<>(Map.of("n1", "ONLINE", "n2", "ONLINE"));

    PlatformFakes(Fixture f) {
        this.f = f;
        bindings.put("gw", new MonitorInfo("gw", "ping", "node", "web", Map.of("host", "10.0.0.1", "count", "3"),
                true, "on=node: a node failing 3 check(s) in a row is not eligible for group web",
                Map.of("n1", new MonitorResult(false, "HEALTHY: monitor gw: 10.0.0.1 answered in 0.4 ms",
                        Instant.parse("2026-12-06T00:59:00Z")), "n2", new MonitorResult(true,
                        "FAILED (3 in a row): monitor gw: no answer from 10.0.0.1",
                        Instant.parse("2026-12-06T00:59:01Z")))));
        f.api.platform(() -> plugins, () -> monitors, () -> backupInstalled ? backups : null);
    }

    /** The path of a route with sample names ({@link OpenApiTest}). */
    static String samplePath(String path) {
        return path.replace("{plugin}", PING).replace("{monitor}", "gw").replace("{type}", "ping")
                .replace("{job}", "files");
    }

    /** A body each route of {@link PlatformRoutes} takes (null: empty will do). */
    static String sampleBody(RestApi.Route r) {
        if (r.equals(PlatformRoutes.MONITOR_ADD)) {
            return "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"web\",\"params\":{\"host\":\"10.0.0.1\"},"
                    + "\"replace\":true}";
        }
        if (r.equals(PlatformRoutes.MONITOR_CHECK)) {
            return "{\"params\":{\"host\":\"10.0.0.1\"}}";
        }
        if (r.equals(PlatformRoutes.BACKUP_RESTORE)) {
            return "{\"snapshot\":\"latest\",\"target\":\"/var/restore\"}";
        }
        return null;
    }

    // ---- failover and cluster (Fixture's fakes delegate here) -------------------------------------------------

    List<MonitorInfo> monitors() {
        return List.copyOf(bindings.values());
    }

    String addMonitor(MonitorRequest r) throws AdminException {
        if (bindings.containsKey(r.name()) && !r.replace()) {
            throw new AdminException(AdminException.Kind.REFUSED, "name", "monitor " + r.name() + " exists; send "
                    + "replace: true to replace it");
        }
        if (!r.settings().get("target").equals("web")) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "target", "monitor " + r.name() + ": no group "
                    + r.settings().get("target"));
        }
        Map<String, String> settings = new LinkedHashMap<>(r.settings());
        settings.remove("on");
        settings.remove("target");
        bindings.put(r.name(), new MonitorInfo(r.name(), r.type(), r.settings().get("on"), "web", settings,
                r.type().equals("ping"), "on=" + r.settings().get("on"), Map.of()));
        f.calls.add("monitor-add " + r.name() + " " + r.type() + " " + r.settings() + (r.replace() ? " replace"
                : ""));
        return "monitor " + r.name() + " type=" + r.type();
    }

    String removeMonitor(String name) throws AdminException {
        if (bindings.remove(name) == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "monitor", "no monitor " + name);
        }
        f.calls.add("monitor-remove " + name);
        return "monitor " + name + " removed";
    }

    String setMode(String node, NodeMode mode) throws AdminException {
        if (!modes.containsKey(node)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "node", "node: unknown node '" + node + "'");
        }
        modes.put(node, mode.name());
        f.calls.add("mode " + node + " " + mode);
        return "Applied as configuration version 9.";
    }

    // ---- plug-ins, monitor types, backups -------------------------------------------------------------------

    final PluginAdmin plugins = new PluginAdmin() {
        @Override
        public PluginOverview plugins() {
            List<PluginNodeState> states = new ArrayList<>();
            wanted.forEach(p -> List.of("n1", "n2").forEach(n -> states.add(new PluginNodeState(p, n, "installed",
                    true, ""))));
            return new PluginOverview(wanted.isEmpty() ? 0 : 7, wanted, states, wanted.contains(PING) ? List.of()
                    : List.of(PING), "");
        }

        @Override
        public PluginChange install(String name, Duration timeout) throws AdminException {
            check(name);
            if (!name.equals(PING)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "name", "unknown plug-in '" + name
                        + "': no such feature in this node's feature repositories (available: " + PING + ")");
            }
            if (!wanted.contains(name)) {
                wanted.add(name);
            }
            f.calls.add("plugin-install " + name + " " + timeout.toSeconds() + "s");
            return change(name, "install");
        }

        @Override
        public PluginChange remove(String name, Duration timeout) throws AdminException {
            check(name);
            if (!wanted.remove(name)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "name", "'" + name + "' is not in the "
                        + "cluster's plug-in set");
            }
            f.calls.add("plugin-remove " + name + " " + timeout.toSeconds() + "s");
            return change(name, "remove");
        }

        private void check(String name) throws AdminException {
            if (!name.startsWith("duplex-plugin-")) {
                throw new AdminException(AdminException.Kind.INVALID, "name", "'" + name + "' is not a plug-in: "
                        + "plug-in features are named duplex-plugin-NAME");
            }
        }

        private PluginChange change(String name, String op) {
            return new PluginChange(name, op, 8, false, name + " " + op + "ed on 1 of 2 nodes; not on n2 "
                    + "(UNREACHABLE)", List.of(new PluginNodeState(name, "n1", op.equals("install") ? "installed"
                    : "absent", true, ""), new PluginNodeState(name, "n2", "UNREACHABLE", false,
                    "not in the cluster view")));
        }
    };

    final MonitorAdmin monitors = new MonitorAdmin() {
        @Override
        public SortedSet<String> types() {
            return new TreeSet<>(List.of("ping", "tcp"));
        }

        @Override
        public Duration defaultTimeout() {
            return Duration.ofMillis(2000);
        }

        @Override
        public HealthStatus check(String type, Map<String, String> params, Duration timeout) throws AdminException {
            if (!types().contains(type)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "type", "no monitor of type '" + type
                        + "' is installed on this node (installed: ping, tcp)");
            }
            if (!params.containsKey("host")) {
                throw new AdminException(AdminException.Kind.INVALID, "params", "invalid parameters for '" + type
                        + "': host: required");
            }
            f.calls.add("monitor-check " + type + " " + params + " " + timeout.toMillis() + "ms");
            return params.get("host").equals("10.0.0.1") ? HealthStatus.healthy("10.0.0.1 answered in 0.4 ms",
                    Duration.ofMillis(1)) : HealthStatus.unhealthy("no answer from " + params.get("host"),
                    Duration.ofMillis(1000));
        }
    };

    final BackupAdmin backups = new BackupAdmin() {
        boolean running;

        @Override
        public List<BackupJobInfo> jobs() {
            return List.of(new BackupJobInfo("files", true, "", "0 2 * * *", "keep-last 7", List.of("/srv/www"), "",
                    "/backup/repo", running ? "manual since 2026-12-06T01:00:00Z" : "",
                    Instant.parse("2026-12-06T00:02:00Z"), new BackupRun("files", "slot 20261206T0000Z",
                    Instant.parse("2026-12-06T00:00:00Z"), Instant.parse("2026-12-06T00:02:00Z"), true,
                    "1 file changed, 12 KiB added"), "", "enabled, last success 58 min ago on n1", "", ""));
        }

        @Override
        public List<BackupSnapshot> snapshots(String job) throws AdminException {
            known(job);
            return List.of(new BackupSnapshot("4f2a9c1e", Instant.parse("2026-12-06T00:02:00Z"), "n1",
                    "20261206T0000Z", List.of("/srv/www")));
        }

        @Override
        public String run(String job) throws AdminException {
            known(job);
            if (running) {
                throw new AdminException(AdminException.Kind.REFUSED, "job", "a backup of files is running already");
            }
            running = true;
            f.calls.add("backup-run " + job);
            return "backup of files started on n1";
        }

        @Override
        public String restore(String job, String snapshot, String target, Duration timeout) throws AdminException {
            known(job);
            if (!snapshot.equals("latest") && !snapshot.equals("4f2a9c1e")) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "snapshot", "no snapshot '" + snapshot
                        + "' of job files");
            }
            if (!target.startsWith("/")) {
                throw new AdminException(AdminException.Kind.INVALID, "target", "target '" + target
                        + "' must be an absolute path");
            }
            f.calls.add("backup-restore " + job + " " + snapshot + " " + target + " " + timeout.toSeconds() + "s");
            return "restore of snapshot 4f2a9c1e into " + target + " started on n1";
        }

        @Override
        public String restoreDatabase(String job, String snapshot, Map<String, String> overrides, Duration timeout)
                throws AdminException {
            known(job);
            throw new AdminException(AdminException.Kind.INVALID, "intoDatabase", "job files backs up paths, not a "
                    + "database: restore it into a target directory");
        }

        private void known(String job) throws AdminException {
            if (!job.equals("files")) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "job", "no backup job '" + job
                        + "' (jobs: files)");
            }
        }
    };
}
