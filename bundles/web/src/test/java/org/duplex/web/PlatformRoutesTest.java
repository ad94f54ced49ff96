package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;

/** The plug-in, monitor, backup and maintenance routes: roles, audit, refusals naming their field, 503s. */
class PlatformRoutesTest {

    private final Fixture f = new Fixture();

    private AuditEntry lastAudit() {
        return f.audit.get(f.audit.size() - 1);
    }

    private JsonNode ok(ApiResponse r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return Fixture.json(r);
    }

    private void refused(ApiResponse r, int status, String field, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        JsonNode body = Fixture.json(r);
        if (field == null) {
            assertThat(body.has("field")).as(r.text()).isFalse();
        } else {
            assertThat(body.path("field").asText()).as(r.text()).isEqualTo(field);
        }
        assertThat(body.get("error").asText()).contains(message);
    }

    @Test
    void aViewerReadsPluginsMonitorsAndBackupsWithoutAnAuditEntry() {
        String token = f.login("vera");
        int audited = f.audit.size();
        JsonNode plugins = ok(f.call("GET", "/plugins", token, null));
        assertThat(plugins.get("wanted").size()).isZero();
        assertThat(plugins.get("available").get(0).asText()).isEqualTo(PlatformFakes.PING);

        JsonNode monitors = ok(f.call("GET", "/monitors", token, null));
        assertThat(monitors.get("types").toString()).isEqualTo("[\"ping\",\"tcp\"]");
        assertThat(monitors.get("defaultTimeoutMillis").asInt()).isEqualTo(2000);
        JsonNode gw = monitors.get("bindings").get(0);
        assertThat(gw.get("name").asText()).isEqualTo("gw");
        assertThat(gw.get("target").asText()).isEqualTo("web");
        assertThat(gw.get("results").get("n2").get("failing").asBoolean()).isTrue();
        assertThat(gw.get("results").get("n2").get("reason").asText()).isEqualTo("FAILED (3 in a row): monitor gw: "
                + "no answer from 10.0.0.1");
        assertThat(gw.get("results").get("n2").get("at").asText()).isEqualTo("2026-12-06T00:59:01Z");

        JsonNode jobs = ok(f.call("GET", "/backups", token, null));
        assertThat(jobs.get(0).get("name").asText()).isEqualTo("files");
        assertThat(jobs.get(0).get("lastRun").get("succeeded").asBoolean()).isTrue();
        assertThat(jobs.get(0).get("lastSuccess").asText()).isEqualTo("2026-12-06T00:02:00Z");
        JsonNode snaps = ok(f.call("GET", "/backups/files/snapshots", token, null));
        assertThat(snaps.get(0).get("id").asText()).isEqualTo("4f2a9c1e");
        refused(f.call("GET", "/backups/nope/snapshots", token, null), 404, "job", "no backup job 'nope'");
        assertThat(f.audit).hasSize(audited);
        assertThat(f.calls).isEmpty();
    }

    @Test
    void aViewerMayNotOperateAndAnOperatorMayNotAdministerEachDenialAudited() {
        String vera = f.login("vera");
        List<String[]> operator = List.of(new String[] {"/monitors/types/ping/check", "monitor-check"},
                new String[] {"/backups/files/run", "backup-run"}, new String[] {"/backups/files/restore",
                        "backup-restore"}, new String[] {"/nodes/n2/maintenance", "node-maintenance"});
        for (String[] op : operator) {
            ApiResponse r = f.call("POST", op[0], vera, "{}");
            assertThat(r.status()).as(op[0]).isEqualTo(403);
            assertThat(Fixture.json(r).get("error").asText()).contains("needs operator or admin");
            assertThat(lastAudit().operation()).isEqualTo(op[1]);
            assertThat(lastAudit().success()).isFalse();
            assertThat(lastAudit().result()).startsWith("denied");
        }
        String olga = f.login("olga");
        List<String[]> admin = List.of(new String[] {"/plugins/duplex-plugin-ping/install", "plugin-install"},
                new String[] {"/plugins/duplex-plugin-ping/remove", "plugin-remove"},
                new String[] {"/monitors/gw/add", "monitor-add"}, new String[] {"/monitors/gw/remove",
                        "monitor-remove"});
        for (String[] op : admin) {
            ApiResponse r = f.call("POST", op[0], olga, "{}");
            assertThat(r.status()).as(op[0]).isEqualTo(403);
            assertThat(Fixture.json(r).get("error").asText()).contains("needs admin");
            assertThat(lastAudit().operation()).isEqualTo(op[1]);
            assertThat(lastAudit().arguments()).contains("=");
        }
        assertThat(f.calls).isEmpty();
    }

    @Test
    void anAdminInstallsAndRemovesAPluginAuditedWithItsPerNodeSummary() {
        String token = f.login("admin");
        JsonNode change = ok(f.call("POST", "/plugins/duplex-plugin-ping/install", token, null));
        assertThat(change.get("operation").asText()).isEqualTo("install");
        assertThat(change.get("allOk").asBoolean()).isFalse();
        assertThat(change.get("nodes").get(1).get("state").asText()).isEqualTo("UNREACHABLE");
        assertThat(lastAudit()).isEqualTo(new AuditEntry(f.clock.now, "admin", "10.0.0.1", "rest", "plugin-install",
                "plugin=duplex-plugin-ping", true, "duplex-plugin-ping installed on 1 of 2 nodes; not on n2 "
                + "(UNREACHABLE)"));
        assertThat(ok(f.call("GET", "/plugins", token, null)).get("wanted").get(0).asText())
                .isEqualTo(PlatformFakes.PING);
        ok(f.call("POST", "/plugins/duplex-plugin-ping/remove", token, "{\"timeoutSeconds\":5}"));
        assertThat(f.calls).containsExactly("plugin-install duplex-plugin-ping 20s",
                "plugin-remove duplex-plugin-ping 5s");

        refused(f.call("POST", "/plugins/duplex-plugin-ping/remove", token, null), 404, "plugin",
                "not in the cluster's plug-in set");
        assertThat(lastAudit().success()).isFalse();
        assertThat(lastAudit().result()).startsWith("404: ");
        refused(f.call("POST", "/plugins/duplex-plugin-nope/install", token, null), 404, "plugin",
                "unknown plug-in 'duplex-plugin-nope'");
        refused(f.call("POST", "/plugins/duplex-mirror/install", token, null), 400, "plugin", "is not a plug-in");
        refused(f.call("POST", "/plugins/duplex-plugin-ping/install", token, "{\"timeoutSeconds\":0}"), 400,
                "timeoutSeconds", "from 1 to 600");
        refused(f.call("POST", "/plugins/duplex-plugin-ping/install", token, "{\"wait\":5}"), 400, "wait",
                "unknown field 'wait'");
        refused(f.call("POST", "/plugins/bad%name/install", token, null), 400, "plugin", "is not a valid name");
        assertThat(f.calls).hasSize(2);
    }

    @Test
    void anOperatorRunsAMonitorCheckWhoseVerdictIsAnAnswerNotAnError() {
        String token = f.login("olga");
        JsonNode up = ok(f.call("POST", "/monitors/types/ping/check", token, "{\"params\":{\"host\":\"10.0.0.1\"}}"));
        assertThat(up.get("health").asText()).isEqualTo("HEALTHY");
        assertThat(lastAudit().operation()).isEqualTo("monitor-check");
        assertThat(lastAudit().arguments()).isEqualTo("type=ping host=10.0.0.1");
        assertThat(lastAudit().result()).isEqualTo("HEALTHY");
        JsonNode down = ok(f.call("POST", "/monitors/types/ping/check", token,
                "{\"params\":{\"host\":\"10.0.0.9\"},\"timeoutMillis\":500}"));
        assertThat(down.get("health").asText()).isEqualTo("UNHEALTHY");
        assertThat(down.get("reason").asText()).isEqualTo("no answer from 10.0.0.9");
        assertThat(f.calls).containsExactly("monitor-check ping {host=10.0.0.1} 2000ms",
                "monitor-check ping {host=10.0.0.9} 500ms");

        refused(f.call("POST", "/monitors/types/disk/check", token, "{\"params\":{\"path\":\"/\"}}"), 404, "type",
                "no monitor of type 'disk'");
        refused(f.call("POST", "/monitors/types/ping/check", token, "{}"), 400, "params", "host: required");
        refused(f.call("POST", "/monitors/types/ping/check", token, "{\"params\":[\"host\"]}"), 400, "params",
                "must be an object");
        refused(f.call("POST", "/monitors/types/ping/check", token, "{\"params\":{\"Host!\":\"x\"}}"), 400,
                "params", "is not a parameter name");
        refused(f.call("POST", "/monitors/types/ping/check", token, "{\"params\":{\"host\":{\"a\":1}}}"), 400,
                "params", "params.host must be a string");
        assertThat(f.calls).hasSize(2);
    }

    @Test
    void anAdminBindsAndUnbindsMonitorsRefusalsNamingTheirField() {
        String token = f.login("admin");
        JsonNode added = ok(f.call("POST", "/monitors/web-port/add", token, "{\"type\":\"tcp\",\"on\":\"resource\","
                + "\"target\":\"web\",\"interval\":\"5s\",\"count\":2,\"params\":{\"port\":\"80\"}}"));
        assertThat(added.get("message").asText()).isEqualTo("monitor web-port type=tcp");
        assertThat(f.calls).containsExactly("monitor-add web-port tcp {on=resource, target=web, interval=5s, count=2, "
                + "port=80}");
        assertThat(lastAudit().arguments()).isEqualTo("monitor=web-port type=tcp on=resource target=web interval=5s "
                + "count=2 port=80");
        assertThat(ok(f.call("GET", "/monitors", token, null)).get("bindings").size()).isEqualTo(2);

        refused(f.call("POST", "/monitors/gw/add", token, "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"web\"}"),
                409, "monitor", "monitor gw exists; send replace: true");
        refused(f.call("POST", "/monitors/x/add", token, "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"db\"}"),
                404, "target", "no group db");
        refused(f.call("POST", "/monitors/x/add", token, "{\"on\":\"node\",\"target\":\"web\"}"), 400, "type",
                "type is required");
        refused(f.call("POST", "/monitors/x/add", token, "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"web\","
                + "\"count\":\"3\"}"), 400, "count", "whole number");
        refused(f.call("POST", "/monitors/x/add", token, "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"web\","
                + "\"params\":{\"target\":\"db\"}}"), 400, "params", "'target' is a setting of the binding");

        ok(f.call("POST", "/monitors/gw/remove", token, null));
        refused(f.call("POST", "/monitors/gw/remove", token, null), 404, "monitor", "no monitor gw");
        assertThat(lastAudit().operation()).isEqualTo("monitor-remove");
        assertThat(lastAudit().success()).isFalse();
    }

    @Test
    void anOperatorStartsABackupAndARestoreAuditedAndRefusedNamingTheField() {
        String token = f.login("olga");
        assertThat(ok(f.call("POST", "/backups/files/run", token, null)).get("message").asText())
                .isEqualTo("backup of files started on n1");
        assertThat(lastAudit().operation()).isEqualTo("backup-run");
        assertThat(lastAudit().arguments()).isEqualTo("job=files");
        refused(f.call("POST", "/backups/files/run", token, null), 409, "job", "running already");
        refused(f.call("POST", "/backups/db/run", token, null), 404, "job", "no backup job 'db'");

        ok(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"4f2a9c1e\",\"target\":\"/var/r\"}"));
        assertThat(lastAudit()).isEqualTo(new AuditEntry(f.clock.now, "olga", "10.0.0.1", "rest", "backup-restore",
                "job=files snapshot=4f2a9c1e target=/var/r", true, "started"));
        assertThat(f.calls).containsExactly("backup-run files", "backup-restore files 4f2a9c1e /var/r 3600s");

        refused(f.call("POST", "/backups/files/restore", token, "{\"target\":\"/var/r\"}"), 400, "snapshot",
                "snapshot is required");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"../x\",\"target\":\"/r\"}"), 400,
                "snapshot", "is not a snapshot id");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"deadbeef\",\"target\":\"/r\"}"),
                404, "snapshot", "no snapshot 'deadbeef'");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"latest\"}"), 400, "target",
                "target is required");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"latest\",\"target\":\"r\"}"), 400,
                "target", "must be an absolute path");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"latest\",\"target\":\"/r\","
                + "\"intoDatabase\":true}"), 400, "target", "choose one");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"latest\",\"target\":\"/r\","
                + "\"set\":{\"port\":\"5544\"}}"), 400, "set", "only with intoDatabase");
        refused(f.call("POST", "/backups/files/restore", token, "{\"snapshot\":\"latest\",\"intoDatabase\":true}"),
                400, "intoDatabase", "backs up paths");
        assertThat(f.calls).hasSize(2);
    }

    @Test
    void withoutTheBackupPluginBackupsAnswer503NamingIt() {
        f.platform.backupInstalled = false;
        String token = f.login("olga");
        for (String[] call : new String[][] {{"GET", "/backups"}, {"GET", "/backups/files/snapshots"},
                {"POST", "/backups/files/run"}}) {
            refused(f.call(call[0], call[1], token, null), 503, null, "backups need the backup plug-in, which is "
                    + "not installed on this node (POST /api/v1/plugins/duplex-plugin-backup/install");
        }
        assertThat(lastAudit().operation()).isEqualTo("backup-run");
        assertThat(lastAudit().result()).startsWith("503: ");
    }

    @Test
    void anOperatorPutsANodeInMaintenance() {
        String token = f.login("olga");
        JsonNode r = ok(f.call("POST", "/nodes/n2/maintenance", token, null));
        assertThat(r.get("mode").asText()).isEqualTo("MAINTENANCE");
        assertThat(f.calls).containsExactly("mode n2 MAINTENANCE");
        assertThat(lastAudit()).isEqualTo(new AuditEntry(f.clock.now, "olga", "10.0.0.1", "rest", "node-maintenance",
                "node=n2", true, "ok"));
        refused(f.call("POST", "/nodes/n9/maintenance", token, null), 404, "node", "unknown node 'n9'");
        refused(f.call("POST", "/nodes/n2/maintenance", token, "{\"now\":true}"), 400, "now", "takes no fields");
        assertThat(f.calls).hasSize(1);
    }
}
