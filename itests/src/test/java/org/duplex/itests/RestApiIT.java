package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Boots the distribution (duplex-web is a boot feature) and talks to the REST API over HTTPS as a client would:
 * trusting the certificate the node generated at first start, logging in through the karaf realm as a viewer,
 * an operator and an admin, checking roles (a viewer cannot switch over, through REST or the shell), the audit
 * log of both, the OpenAPI document and the login rate limit.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestApiIT {

    private static final long WAIT_MS = 90_000;
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern CONFIRMATION = Pattern.compile("\"confirmation\":\"([^\"]+)\"");

    @Inject
    SessionFactory sessionFactory;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    org.apache.karaf.features.FeaturesService featuresService;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        int clusterPort = DuplexContainer.freePort(); // not 7800: another node on this host may hold it
        return DuplexContainer.options(
                editConfigurationFilePut("etc/org.duplex.web.cfg", "login.max.failures", "3"),
                editConfigurationFilePut("etc/org.duplex.cluster.cfg", "members", "node1@127.0.0.1:" + clusterPort),
                editConfigurationFilePut("etc/org.duplex.cluster.cfg", "bind.port", String.valueOf(clusterPort)));
    }

    @Test
    public void restApiOverHttpsWithRolesAuditAndRateLimit() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path keystore = etc.resolve("duplex-web.p12");
        int port = Integer.parseInt(String.valueOf(configAdmin.getConfiguration("org.duplex.web", null)
                .getProperties().get("port.https")));
        await("the generated keystore " + keystore, () -> Files.exists(keystore));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)))
                .isEqualTo("rw-------");
        HttpClient client = client(keystore, Files.readString(etc.resolve("duplex-web.p12.password")).strip());
        String base = "https://localhost:" + port + "/api/v1";
        await("HTTPS on port " + port, () -> {
            try {
                return get(client, base + "/openapi.json", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });

        // The document lists the endpoints; it needs no login.
        String openApi = get(client, base + "/openapi.json", null).body();
        assertThat(openApi).contains("\"/groups/{group}/switchover\"", "\"/audit\"", "\"/login\"");

        // No token, no data.
        HttpResponse<String> anonymous = get(client, base + "/status", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();

        String vera = login(client, base, "vera", DuplexContainer.VIEWER_PASSWORD);
        String olga = login(client, base, "olga", DuplexContainer.OPERATOR_PASSWORD);
        String admin = login(client, base, "admin", DuplexContainer.ADMIN_PASSWORD);

        // A viewer reads (the real cluster bundle answers) ...
        await("GET /status as a viewer", () -> {
            try {
                return get(client, base + "/status", vera).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(get(client, base + "/status", vera).body()).contains("\"localNode\"", "\"quorate\"");
        assertThat(get(client, base + "/session", vera).body()).contains("\"role\":\"viewer\"");
        for (String read : List.of("/nodes", "/groups", "/resources", "/history?last=5", "/audit")) {
            assertThat(get(client, base + read, vera).statusCode()).as(read).isEqualTo(200);
        }
        // A Prometheus server scrapes with HTTP Basic credentials of the same realm and gets text format 0.0.4
        // with the cluster's, the failover's and the heartbeat's families.
        HttpResponse<String> unauthenticated = get(client, base + "/metrics", null);
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        assertThat(unauthenticated.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        assertThat(getBasic(client, base + "/metrics", "vera", "wrong").statusCode()).isEqualTo(401);
        await("the cluster, failover and heartbeat metrics sources", () -> {
            try {
                String page = getBasic(client, base + "/metrics", "vera", DuplexContainer.VIEWER_PASSWORD).body();
                return page.contains("\nduplex_cluster_quorate ") && page.contains("\nduplex_failover_groups ")
                        && page.contains("\nduplex_heartbeat_frames_rejected_total{");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> scrape = getBasic(client, base + "/metrics", "vera", DuplexContainer.VIEWER_PASSWORD);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain").contains("version=0.0.4");
        assertThat(scrape.body()).contains("# TYPE duplex_cluster_quorate gauge\nduplex_cluster_quorate 1\n",
                "# TYPE duplex_cluster_view_changes_total counter\n", "# TYPE duplex_cluster_epoch gauge\n",
                "# TYPE duplex_failover_groups gauge\n", "# TYPE duplex_heartbeat_frames_rejected_total counter\n",
                "duplex_metrics_source_errors_total{source=\"cluster\"} 0\n",
                "duplex_metrics_source_errors_total{source=\"failover\"} 0\n",
                "duplex_metrics_source_errors_total{source=\"heartbeat\"} 0\n");
        assertThat(get(client, base + "/metrics", vera).statusCode()).as("a bearer token works too").isEqualTo(200);
        PromtoolCheck.check("RestApiIT", scrape.body());
        // kept as a test artifact (itests/target/restapi-metrics.txt): what a scrape of a fresh node returns
        for (Path d = Path.of(System.getProperty("karaf.home")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (d.getFileName() != null && d.getFileName().toString().equals("target")) {
                Files.writeString(d.resolve("restapi-metrics.txt"), scrape.body());
                break;
            }
        }

        // ... and cannot switch over, stand by or clean up.
        HttpResponse<String> denied = post(client, base + "/groups/web/switchover", vera, "{\"node\":\"node2\"}");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("vera", "viewer");
        assertThat(post(client, base + "/nodes/node2/standby", vera, "").statusCode()).isEqualTo(403);
        assertThat(post(client, base + "/resources/vip/cleanup", vera, "").statusCode()).isEqualTo(403);

        // A viewer may ask the engine what it would do (the real failover bundle, FailoverAdmin 1.1): the running
        // configuration as a document, planned back as a candidate; an unknown node and an unusable candidate are
        // refused naming their field. None of it is audited (it changes nothing).
        HttpResponse<String> config = get(client, base + "/configuration", vera);
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        assertThat(config.body()).contains("\"resources\"", "\"groups\"", "\"policies\"");
        HttpResponse<String> plan = post(client, base + "/simulate", vera, "{\"configuration\":" + config.body() + "}");
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        assertThat(plan.body()).contains("\"candidate\":true", "\"violations\":[]");
        HttpResponse<String> unknownNode = post(client, base + "/simulate", vera, "{\"failNodes\":[\"nosuchnode\"]}");
        assertThat(unknownNode.statusCode()).as(unknownNode.body()).isEqualTo(404);
        assertThat(unknownNode.body()).contains("\"field\":\"failNodes\"", "nosuchnode");
        HttpResponse<String> unusable = post(client, base + "/simulate", vera, "{\"configuration\":{\"groups\":"
                + "[{\"id\":\"g\",\"resources\":[\"nope\"],\"nodes\":[\"node1\"]}]}}");
        assertThat(unusable.statusCode()).as(unusable.body()).isEqualTo(400);
        assertThat(unusable.body()).contains("\"field\":\"configuration\"", "nope");

        platformRoutes(client, base, vera, olga, admin);
        platformSuccess(client, base, vera, olga, admin);

        // An operator's session alone is not enough for a destructive operation: the server wants the password
        // confirmed again (a stolen token cannot switch over), refuses a wrong one, and is audited either way.
        HttpResponse<String> unconfirmed = post(client, base + "/groups/nosuchgroup/switchover", olga, "");
        assertThat(unconfirmed.statusCode()).as(unconfirmed.body()).isEqualTo(428);
        assertThat(unconfirmed.body()).contains("\"field\":\"X-Duplex-Confirm\"", "POST /api/v1/confirm");
        HttpResponse<String> wrongPassword = post(client, base + "/confirm", olga,
                "{\"password\":\"wrong\",\"path\":\"/groups/nosuchgroup/switchover\"}");
        assertThat(wrongPassword.statusCode()).as(wrongPassword.body()).isEqualTo(403);
        assertThat(wrongPassword.body()).contains("\"field\":\"password\"");
        HttpResponse<String> forged = postConfirm(client, base + "/groups/nosuchgroup/switchover", olga, "",
                "made-up-confirmation");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("\"field\":\"X-Duplex-Confirm\"");
        // With the confirmation the request reaches the real failover bundle, which names what is unknown.
        HttpResponse<String> noGroup = confirmed(client, base, "/groups/nosuchgroup/switchover", olga,
                DuplexContainer.OPERATOR_PASSWORD, "");
        assertThat(noGroup.statusCode()).as(noGroup.body()).isEqualTo(404);
        assertThat(noGroup.body()).contains("\"field\":\"group\"");
        HttpResponse<String> noNode = confirmed(client, base, "/nodes/nosuchnode/standby", olga,
                DuplexContainer.OPERATOR_PASSWORD, "{}");
        assertThat(noNode.statusCode()).as(noNode.body()).isEqualTo(404);
        assertThat(noNode.body()).contains("\"field\":\"node\"");
        HttpResponse<String> badField = post(client, base + "/groups/web/switchover", olga, "{\"nod\":\"x\"}");
        assertThat(badField.statusCode()).isEqualTo(400);
        assertThat(badField.body()).contains("\"field\":\"nod\"");

        // The shell applies the same roles through the ha command ACL.
        assertThatThrownBy(() -> ShellAs.execute(sessionFactory, "vera", DuplexContainer.VIEWER_PASSWORD,
                "ha:switchover web node2")).satisfies(e -> assertThat(e.toString())
                .containsAnyOf("Insufficient credentials", "Command not found"));
        assertThat(ShellAs.execute(sessionFactory, "vera", DuplexContainer.VIEWER_PASSWORD, "ha:status"))
                .contains("Quorum:");
        assertThatThrownBy(() -> ShellAs.execute(sessionFactory, "olga", DuplexContainer.OPERATOR_PASSWORD,
                "ha:resource-remove vip")).satisfies(e -> assertThat(e.toString())
                .containsAnyOf("Insufficient credentials", "Command not found"));

        // Every mutation and refusal is audited, from both channels, with who and from where.
        String audit = get(client, base + "/audit?last=50", admin).body();
        assertThat(audit).contains("\"user\":\"vera\",\"source\":\"127.0.0.1\",\"channel\":\"rest\","
                + "\"operation\":\"switchover\",\"arguments\":\"group=web\",\"success\":false");
        assertThat(audit).contains("\"user\":\"olga\"", "\"arguments\":\"group=nosuchgroup\"");
        assertThat(audit).contains("\"user\":\"olga\",\"source\":\"127.0.0.1\",\"channel\":\"rest\","
                + "\"operation\":\"confirm\",\"arguments\":\"path=/groups/nosuchgroup/switchover\",\"success\":false,"
                + "\"result\":\"wrong password\"");
        assertThat(audit).contains("\"operation\":\"switchover\",\"arguments\":\"group=nosuchgroup\","
                + "\"success\":false,\"result\":\"428: ");
        assertThat(audit).contains("\"channel\":\"shell\",\"operation\":\"ha:switchover\",\"arguments\":\"web node2\"");
        assertThat(audit).contains("\"operation\":\"ha:resource-remove\"");
        assertThat(audit).doesNotContain("\"operation\":\"simulate\"");
        assertThat(ShellAs.execute(sessionFactory, "vera", DuplexContainer.VIEWER_PASSWORD, "ha:audit -n 40"))
                .contains("vera from 127.0.0.1 (rest): switchover group=web -> FAILED")
                .contains("vera from local console (shell): ha:switchover web node2 -> FAILED");
        Path auditFile = Path.of(System.getProperty("karaf.data"), "duplex", "audit.log");
        assertThat(Files.readString(auditFile)).contains("ha:switchover");

        // Users are managed with a command, admin only: a viewer added by ha:user-add logs in to REST at once (the
        // same karaf realm), is refused a switchover, and is gone after ha:user-remove. The password comes from a
        // file, so it is in no command line and in no audit entry.
        Path pwFile = Path.of(System.getProperty("karaf.data"), "vic.password");
        String vicPassword = "it-vic-password-1";
        Files.writeString(pwFile, vicPassword + "\n");
        String addVic = "ha:user-add vic --role viewer --password-file " + pwFile;
        assertThatThrownBy(() -> ShellAs.execute(sessionFactory, "olga", DuplexContainer.OPERATOR_PASSWORD, addVic))
                .satisfies(e -> assertThat(e.toString()).containsAnyOf("Insufficient credentials", "Command not found"));
        assertThatThrownBy(() -> ShellAs.admin(sessionFactory, "ha:user-add vic --role king --password-file "
                + pwFile)).satisfies(e -> assertThat(e.toString()).contains("role 'king' must be admin, operator "
                + "or viewer"));
        assertThat(ShellAs.admin(sessionFactory, addVic)).contains("user vic added with role viewer");
        assertThat(ShellAs.admin(sessionFactory, "ha:user-list")).containsPattern("vic\\s+viewer")
                .containsPattern("admin\\s+admin");
        assertThatThrownBy(() -> ShellAs.admin(sessionFactory, "ha:user-remove admin"))
                .satisfies(e -> assertThat(e.toString()).contains("'admin' is the last admin"));
        String vic = login(client, base, "vic", vicPassword);
        assertThat(get(client, base + "/session", vic).body()).contains("\"role\":\"viewer\"");
        HttpResponse<String> vicDenied = post(client, base + "/groups/web/switchover", vic, "{\"node\":\"node2\"}");
        assertThat(vicDenied.statusCode()).as(vicDenied.body()).isEqualTo(403);
        assertThat(ShellAs.admin(sessionFactory, "ha:user-remove vic")).contains("user vic removed");
        assertThatThrownBy(() -> ShellAs.login("vic", vicPassword)).isInstanceOf(
                javax.security.auth.login.LoginException.class);
        assertThat(ShellAs.admin(sessionFactory, "ha:user-list")).doesNotContain("vic");
        String userAudit = get(client, base + "/audit?last=50", admin).body();
        assertThat(userAudit).contains("\"operation\":\"ha:user-add\",\"arguments\":\"vic --role viewer "
                + "--password-file " + pwFile + "\",\"success\":true", "\"operation\":\"ha:user-remove\"")
                .doesNotContain(vicPassword).doesNotContain("\"operation\":\"ha:user-list\"");

        mirrorRoutesWithTheRealMirrorBundle(client, base, vera, olga, admin);

        // Logout forgets the token.
        assertThat(post(client, base + "/logout", olga, "").statusCode()).isEqualTo(200);
        assertThat(get(client, base + "/status", olga).statusCode()).isEqualTo(401);

        // Login rate limit per source address (3 failures configured for this test).
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            codes.add(post(client, base + "/login", null, "{\"username\":\"vera\",\"password\":\"wrong\"}")
                    .statusCode());
        }
        assertThat(codes).containsExactly(401, 401, 401, 429);
        HttpResponse<String> limited = post(client, base + "/login", null,
                "{\"username\":\"vera\",\"password\":\"" + DuplexContainer.VIEWER_PASSWORD + "\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(getBasic(client, base + "/metrics", "vera", DuplexContainer.VIEWER_PASSWORD).statusCode())
                .as("scrapes share the login rate limit").isEqualTo(429);
    }

    /**
     * The mirror's routes against the real mirror bundle: 503 before the duplex-mirror feature (a feature of its
     * own), then a volume made with ha:mirror-create is listed, promoted and demoted by an admin over REST (the shell
     * sees the same state), refused to a viewer and an operator, and every operation is audited.
     */
    private void mirrorRoutesWithTheRealMirrorBundle(HttpClient client, String base, String vera, String olga,
                                                     String admin) throws Exception {
        HttpResponse<String> absent = get(client, base + "/mirror/volumes", vera);
        assertThat(absent.statusCode()).as(absent.body()).isEqualTo(503);
        assertThat(absent.body()).contains("feature:install duplex-mirror");
        featuresService.installFeature("duplex-mirror", java.util.EnumSet.of(
                org.apache.karaf.features.FeaturesService.Option.NoAutoRefreshBundles));
        await("GET /mirror/volumes answers once the mirror runs", () -> {
            try {
                return get(client, base + "/mirror/volumes", vera).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(get(client, base + "/mirror/volumes", vera).body()).isEqualTo("[]");
        Path dir = Files.createTempDirectory("duplex-rest-mirror");
        int nbdPort = DuplexContainer.freePort();
        ShellAs.admin(sessionFactory, "ha:mirror-create --size 4M --backing " + dir.resolve("restvol.img")
                + " --nbd-port " + nbdPort + " restvol");
        await("restvol listed", () -> {
            try {
                return get(client, base + "/mirror/volumes", vera).body().contains("\"name\":\"restvol\"");
            } catch (Exception e) {
                return false;
            }
        });
        String volumes = get(client, base + "/mirror/volumes", vera).body();
        assertThat(volumes).contains("\"role\":\"SECONDARY\"", "\"connection\":\"STANDALONE\"",
                "\"replicated\":false", "\"exportAddress\":\"nbd://127.0.0.1:" + nbdPort + "/restvol\"",
                "\"splitBrain\":false", "\"generations\":{\"current\":\"");
        assertThat(get(client, base + "/mirror/volumes/restvol", vera).statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = get(client, base + "/mirror/volumes/nosuchvol", vera);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"field\":\"volume\"", "nosuchvol", "restvol");

        // promote is admin's: a viewer and an operator are refused (and audited), an admin promotes
        assertThat(post(client, base + "/mirror/volumes/restvol/promote", vera, "{}").statusCode()).isEqualTo(403);
        assertThat(post(client, base + "/mirror/volumes/restvol/promote", olga, "{}").statusCode()).isEqualTo(403);
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> promoted =
                new java.util.concurrent.atomic.AtomicReference<>();
        await("restvol promoted over REST (the node holds quorum alone)", () -> {
            try {
                promoted.set(confirmed(client, base, "/mirror/volumes/restvol/promote", admin,
                        DuplexContainer.ADMIN_PASSWORD, "{}"));
                return promoted.get().statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(promoted.get().body()).contains("\"operation\":\"promote\"", "\"role\":\"PRIMARY\"",
                "\"writable\":true");
        assertThat(ShellAs.admin(sessionFactory, "ha:mirror-status restvol")).contains("role=PRIMARY");
        // the volume's own refusal comes back as 409 with its reason
        HttpResponse<String> invalidate = confirmed(client, base, "/mirror/volumes/restvol/invalidate", admin,
                DuplexContainer.ADMIN_PASSWORD, "");
        assertThat(invalidate.statusCode()).as(invalidate.body()).isEqualTo(409);
        assertThat(invalidate.body()).contains("while primary");
        HttpResponse<String> badEpoch = post(client, base + "/mirror/volumes/restvol/promote", admin,
                "{\"epoch\":\"soon\"}");
        assertThat(badEpoch.statusCode()).isEqualTo(400);
        assertThat(badEpoch.body()).contains("\"field\":\"epoch\"");
        assertThat(post(client, base + "/mirror/volumes/restvol/demote", admin, "{}").statusCode()).isEqualTo(428);
        HttpResponse<String> demoted = confirmed(client, base, "/mirror/volumes/restvol/demote", admin,
                DuplexContainer.ADMIN_PASSWORD, "{}");
        assertThat(demoted.statusCode()).as(demoted.body()).isEqualTo(200);
        assertThat(demoted.body()).contains("\"role\":\"SECONDARY\"");
        assertThat(ShellAs.admin(sessionFactory, "ha:mirror-status restvol")).contains("role=SECONDARY");

        String audit = get(client, base + "/audit?last=100", admin).body();
        assertThat(audit).contains("\"user\":\"vera\",\"source\":\"127.0.0.1\",\"channel\":\"rest\","
                + "\"operation\":\"mirror-promote\",\"arguments\":\"volume=restvol\",\"success\":false");
        assertThat(audit).contains("\"user\":\"admin\",\"source\":\"127.0.0.1\",\"channel\":\"rest\","
                + "\"operation\":\"mirror-promote\",\"arguments\":\"volume=restvol\",\"success\":true");
        assertThat(audit).contains("\"operation\":\"mirror-invalidate\",\"arguments\":\"volume=restvol\","
                + "\"success\":false", "\"operation\":\"mirror-demote\"");
        assertThat(get(client, base + "/openapi.json", null).body()).contains("\"/mirror/volumes/{volume}/promote\"");
    }

    private static HttpResponse<String> getBasic(HttpClient client, String url, String user, String password)
            throws Exception {
        String credentials = java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + credentials).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Plug-ins, monitors, backups and maintenance from the real plug-in manager, monitor registry, failover and
     * cluster bundles (API 1.3): what a viewer reads, what an operator and an admin may do, the backup plug-in's
     * absence as a 503 naming it, and the audit of it.
     */
    private static void platformRoutes(HttpClient client, String base, String vera, String olga, String admin)
            throws Exception {
        HttpResponse<String> plugins = get(client, base + "/plugins", vera);
        assertThat(plugins.statusCode()).as(plugins.body()).isEqualTo(200);
        assertThat(plugins.body()).contains("\"wanted\":[]", "\"available\":[", "\"duplex-plugin-ping\"",
                "\"duplex-plugin-backup\"");
        HttpResponse<String> monitors = get(client, base + "/monitors", vera);
        assertThat(monitors.statusCode()).as(monitors.body()).isEqualTo(200);
        assertThat(monitors.body()).contains("\"types\":[", "\"defaultTimeoutMillis\":", "\"bindings\":[]");
        HttpResponse<String> noBackups = get(client, base + "/backups", vera);
        assertThat(noBackups.statusCode()).as(noBackups.body()).isEqualTo(503);
        assertThat(noBackups.body()).contains("duplex-plugin-backup");

        assertThat(post(client, base + "/nodes/node1/maintenance", vera, "").statusCode()).isEqualTo(403);
        assertThat(post(client, base + "/plugins/duplex-plugin-ping/install", olga, "").statusCode()).isEqualTo(403);
        HttpResponse<String> noPlugin = confirmed(client, base, "/plugins/duplex-plugin-nope/install", admin,
                DuplexContainer.ADMIN_PASSWORD, "");
        assertThat(noPlugin.statusCode()).as(noPlugin.body()).isEqualTo(404);
        assertThat(noPlugin.body()).contains("\"field\":\"plugin\"", "unknown plug-in 'duplex-plugin-nope'");
        HttpResponse<String> notInSet = confirmed(client, base, "/plugins/duplex-plugin-ping/remove", admin,
                DuplexContainer.ADMIN_PASSWORD, "");
        assertThat(notInSet.statusCode()).as(notInSet.body()).isEqualTo(404);
        HttpResponse<String> noType = post(client, base + "/monitors/types/nosuchtype/check", olga,
                "{\"params\":{\"host\":\"127.0.0.1\"}}");
        assertThat(noType.statusCode()).as(noType.body()).isEqualTo(404);
        assertThat(noType.body()).contains("\"field\":\"type\"", "nosuchtype");
        HttpResponse<String> noTarget = post(client, base + "/monitors/gw/add", admin,
                "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"nosuchgroup\",\"params\":{\"host\":\"127.0.0.1\"}}");
        assertThat(noTarget.statusCode()).as(noTarget.body()).isEqualTo(404);
        assertThat(noTarget.body()).contains("\"field\":\"target\"", "no group nosuchgroup");

        // Maintenance through the real cluster bundle, shown by GET /nodes, ended by online.
        assertThat(post(client, base + "/nodes/node1/maintenance", olga, "").statusCode()).isEqualTo(428);
        HttpResponse<String> maintenance = confirmed(client, base, "/nodes/node1/maintenance", olga,
                DuplexContainer.OPERATOR_PASSWORD, "");
        assertThat(maintenance.statusCode()).as(maintenance.body()).isEqualTo(200);
        await("node1 in MAINTENANCE", () -> {
            try {
                return get(client, base + "/nodes", vera).body().contains("\"mode\":\"MAINTENANCE\"");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(post(client, base + "/nodes/node1/online", olga, "").statusCode()).isEqualTo(200);
        await("node1 ONLINE again", () -> {
            try {
                return get(client, base + "/nodes", vera).body().contains("\"mode\":\"ONLINE\"");
            } catch (Exception e) {
                return false;
            }
        });
        String audit = get(client, base + "/audit?last=50", admin).body();
        assertThat(audit).contains("\"user\":\"olga\",\"source\":\"127.0.0.1\",\"channel\":\"rest\","
                + "\"operation\":\"node-maintenance\",\"arguments\":\"node=node1\",\"success\":true");
        assertThat(audit).contains("\"operation\":\"plugin-install\",\"arguments\":\"plugin=duplex-plugin-nope\","
                + "\"success\":false");
        assertThat(audit).contains("\"operation\":\"monitor-check\"");
    }

    /**
     * The platform's operations carried out for real over REST: plug-ins installed through the cluster's plug-in set
     * (the ping and backup plug-ins), a monitor type checked (ping of this host) and bound to a group, and a backup
     * of a real directory by restic run and restored into another directory, each in the audit log.
     */
    private void platformSuccess(HttpClient client, String base, String vera, String olga, String admin)
            throws Exception {
        for (String plugin : List.of("duplex-plugin-ping", "duplex-plugin-backup")) {
            HttpResponse<String> installed = confirmed(client, base, "/plugins/" + plugin + "/install", admin,
                    DuplexContainer.ADMIN_PASSWORD, "{\"timeoutSeconds\":120}");
            assertThat(installed.statusCode()).as(plugin + ": " + installed.body()).isEqualTo(200);
        }
        await("both plug-ins in the set and installed on node1", () -> {
            try {
                String p = get(client, base + "/plugins", vera).body();
                return p.contains("\"wanted\":[\"duplex-plugin-backup\",\"duplex-plugin-ping\"]")
                        && p.contains("{\"plugin\":\"duplex-plugin-ping\",\"node\":\"node1\",\"state\":\"installed\"")
                        && p.contains("{\"plugin\":\"duplex-plugin-backup\",\"node\":\"node1\",\"state\":\"installed\"");
            } catch (Exception e) {
                return false;
            }
        });

        HttpResponse<String> check = post(client, base + "/monitors/types/ping/check", olga,
                "{\"params\":{\"host\":\"127.0.0.1\"},\"timeoutMillis\":5000}");
        assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
        assertThat(check.body()).contains("\"health\":\"HEALTHY\"");

        // a backup job of a real directory into a local restic repository, as a resource of a one-node group
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "rest-backup");
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("orders.txt"), "order 1\norder 2\n");
        Path password = work.resolve("restic.pw");
        Files.writeString(password, "rest-api-it-password\n");
        Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ShellAs.admin(sessionFactory, "ha:resource-add bk backup paths=" + data + " repository=" + work.resolve("repo")
                + " password-file=" + password + " \"schedule=0 3 1 1 *\" init=true");
        ShellAs.admin(sessionFactory, "ha:group-add bkg resources=bk nodes=node1");
        await("backup job bk active on node1", () -> {
            try {
                return get(client, base + "/backups", vera).body().contains("\"name\":\"bk\",\"activeHere\":true");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> gw = post(client, base + "/monitors/gw/add", admin,
                "{\"type\":\"ping\",\"on\":\"node\",\"target\":\"bkg\",\"params\":{\"host\":\"127.0.0.1\"}}");
        assertThat(gw.statusCode()).as(gw.body()).isEqualTo(200);
        assertThat(get(client, base + "/monitors", vera).body()).contains("\"gw\"");

        // the job's first start runs its latest slot as a catch-up (a run asked meanwhile is refused with 409);
        // the manual run comes after it
        await("the job's catch-up backup", () -> {
            try {
                return get(client, base + "/backups", vera).body().contains("(catch-up)\",");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> run = post(client, base + "/backups/bk/run", olga, "");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        System.out.println("POST /backups/bk/run: " + run.body());
        try {
            // the job's first start also catches up its latest slot (Jan 1, 03:00): wait for the manual one
            await("the manual backup's snapshot", () -> {
                try {
                    return get(client, base + "/backups/bk/snapshots", vera).body().contains("\"slot\":\"manual\"");
                } catch (Exception x) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            System.out.println("GET /backups: " + get(client, base + "/backups", vera).body());
            System.out.println(ShellAs.admin(sessionFactory, "ha:history -n 40"));
            throw e;
        }
        HttpResponse<String> snapshots = get(client, base + "/backups/bk/snapshots", vera);
        assertThat(snapshots.statusCode()).as(snapshots.body()).isEqualTo(200);
        assertThat(snapshots.body()).contains(data.toString(), "manual");

        Path into = work.resolve("restored");
        assertThat(post(client, base + "/backups/bk/restore", olga, "{\"snapshot\":\"latest\",\"target\":\"" + into
                + "\"}").statusCode()).as("restore without the password again").isEqualTo(428);
        HttpResponse<String> restore = confirmed(client, base, "/backups/bk/restore", olga,
                DuplexContainer.OPERATOR_PASSWORD, "{\"snapshot\":\"latest\",\"target\":\"" + into + "\"}");
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(200);
        Path restored = into.resolve(data.toString().substring(1)).resolve("orders.txt");
        await("the restored file " + restored, () -> Files.isRegularFile(restored));
        assertThat(Files.readString(restored)).isEqualTo("order 1\norder 2\n");

        assertThat(post(client, base + "/monitors/gw/remove", admin, "").statusCode()).isEqualTo(200);
        String audit = get(client, base + "/audit?last=80", admin).body();
        for (String op : List.of("\"operation\":\"plugin-install\",\"arguments\":\"plugin=duplex-plugin-backup\","
                + "\"success\":true", "\"operation\":\"monitor-check\",\"arguments\":\"type=ping",
                "\"operation\":\"backup-run\",\"arguments\":\"job=bk\",\"success\":true",
                "\"operation\":\"backup-restore\",\"arguments\":\"job=bk snapshot=latest target=" + into
                        + "\",\"success\":true")) {
            assertThat(audit).as(op).contains(op);
        }
    }

    /** A destructive operation as the console sends it: POST /confirm with the password, then the request. */
    private static HttpResponse<String> confirmed(HttpClient client, String base, String path, String token,
                                                  String password, String body) throws Exception {
        HttpResponse<String> c = post(client, base + "/confirm", token, "{\"password\":\"" + password
                + "\",\"path\":\"" + path + "\"}");
        assertThat(c.statusCode()).as("confirm " + path + ": " + c.body()).isEqualTo(200);
        Matcher m = CONFIRMATION.matcher(c.body());
        assertThat(m.find()).as(c.body()).isTrue();
        return postConfirm(client, base + path, token, body, m.group(1));
    }

    private static HttpResponse<String> postConfirm(HttpClient client, String url, String token, String body,
                                                    String confirmation) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .header("X-Duplex-Confirm", confirmation).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String login(HttpClient client, String base, String user, String password) throws Exception {
        HttpResponse<String> r = post(client, base + "/login", null,
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.statusCode()).as("login " + user + ": " + r.body()).isEqualTo(200);
        Matcher m = TOKEN.matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static HttpClient client(Path keystore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(HttpClient client, String url, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT_MS + " ms waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }
}
