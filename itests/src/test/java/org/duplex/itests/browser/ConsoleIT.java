package org.duplex.itests.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.duplex.itests.DuplexContainer;
import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * The web console in a real headless Chromium (Debian's chromium + chromium-driver through Selenium), against a
 * real node: the distribution unpacked and started with bin/start (duplex-web is a boot feature), users made with
 * bin/duplex-passwd, a group of one process resource. Drives what an operator does: a wrong login refused, the
 * live view (node, quorum, coordinator, the group running), standby with the password asked again (a wrong one
 * refused and nothing done, the right one stops the group), online (the group starts again), the group's timeline
 * with the reasons, the audit view, Chinese and back without a reload, and a viewer who sees no operation button
 * and is refused by the API all the same, then runs the what-if view (a node failure in both languages, a candidate
 * configuration's plan, unusable candidates refused) without changing anything. Screenshots of each step go to target/console-screenshots/; the RSS and
 * CPU of the Karaf JVM and of Chromium go to footprint.txt there and to stdout.
 *
 * <p>Selenium runs in this JVM, not in a Pax Exam probe: the probe runs inside Karaf, where Selenium's client is
 * not an OSGi bundle. Skips with a loud reason without chromium/chromedriver, except under CI as root (CI runs
 * scripts/install-deps.sh, which installs them), where their absence fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {

    private static final String OPERATOR_PASSWORD = "console-it-operator";
    private static final String VIEWER_PASSWORD = "console-it-viewer-1";

    private DistributionNode node;
    private Path shots;
    private String base;
    private ConsoleBrowser b;
    private final List<String> footprint = new ArrayList<>();
    private Footprint karafBefore;

    @BeforeAll
    void setUp() throws Exception {
        ConsoleBrowser.requireChromium("ConsoleIT");
        Path workDir = Paths.get(DuplexContainer.required("duplex.workDir"));
        Path work = workDir.resolve("console");
        shots = workDir.getParent().resolve("console-screenshots");
        node = DistributionNode.unpack(Paths.get(DuplexContainer.required("duplex.assembly")), work.resolve("node1"));
        node.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
        // its own cluster port: another node on this host (another test, a demo) may hold the default 7800, and then
        // this one never starts its cluster ("No available port to bind to in range [7800 .. 7800]", seen here)
        node.setProperty("etc/org.duplex.cluster.cfg", "members", "node1@127.0.0.1:" + DuplexContainer.freePort());
        Path run = Files.createDirectories(work.resolve("run"));
        Files.writeString(node.home().resolve("etc/org.duplex.failover.agent.process.cfg"), "run.dir = " + run + "\n");
        Path app = work.resolve("app.sh");
        Files.writeString(app, "#!/bin/sh\nexec sleep 100000\n");
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        Properties web = new Properties();
        try (var in = Files.newInputStream(node.home().resolve("etc/org.duplex.web.cfg"))) {
            web.load(in);
        }
        base = "https://localhost:" + web.getProperty("port.https").strip();

        assertThat(node.start().exitCode()).isZero();
        // The first start made 'admin' (the first user, the one bin/client logs in as); these are the console's.
        passwd(node.home(), "operator", "olga", OPERATOR_PASSWORD);
        passwd(node.home(), "viewer", "vera", VIEWER_PASSWORD);
        await("quorum").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.client("ha:status").output().contains("Quorum:      yes"));
        expectOk(node.client("ha:resource-add app process command=" + app + " monitor-interval=1s"));
        expectOk(node.client("ha:group-add web resources=app nodes=node1"));
        await("group web running").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.client("ha:group-show web").output().contains("app=running"));
        await("the generated keystore").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.exists(node.home().resolve("etc/duplex-web.p12")));

        karafBefore = Footprint.of(node.pid());
        footprint.add("karaf before the browser: " + karafBefore.describe());
        b = new ConsoleBrowser(work, shots);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (b != null) {
                footprint.add(b.footprint());
                Footprint karafAfter = Footprint.of(node.pid());
                footprint.add(String.format("karaf at the end: %s; CPU %.1f%% of a core during the browser session",
                        karafAfter.describe(), karafAfter.percentOfACoreSince(karafBefore)));
                b.close();
            }
        } finally {
            if (!footprint.isEmpty()) {
                footprint.forEach(l -> System.out.println("ConsoleIT footprint: " + l));
                Files.write(shots.resolve("footprint.txt"), footprint);
            }
            if (node != null) {
                stopNodeAndApp();
            }
        }
    }

    /** bin/stop (which stops the group's process), else SIGKILL; the resource's process never outlives the test. */
    private void stopNodeAndApp() throws Exception {
        try {
            node.stop();
            await("bin/stop").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !node.isRunning());
        } finally {
            node.kill();
            Path pidFile = node.home().getParent().resolve("run/app.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                        .filter(h -> h.info().command().orElse("").endsWith("sleep")).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    @Test
    void operatorAndViewerUseTheConsoleInBothLanguages() throws Exception {
        By nodeMode = By.cssSelector("tr[data-node='node1'] td.mode");
        By webRunsOn = By.cssSelector("tr[data-group='web'] td.running-on");
        By auditTab = By.cssSelector(".tab[data-tab='audit']");

        // Login: a wrong password is refused on the page; the right one opens the live view.
        b.open(base + "/");
        assertThat(b.driver.getCurrentUrl()).endsWith("/console/");
        b.waitVisible("login-view");
        assertThat(b.text(By.cssSelector("#login-view h1"))).isEqualTo("Sign in");
        b.login("olga", "not-her-password");
        b.waitText(By.id("login-error"), "Wrong user name or password.");
        b.shot("01-login-refused");
        b.login("olga", OPERATOR_PASSWORD);
        b.waitVisible("app-view");
        assertThat(b.text(By.id("who"))).isEqualTo("olga (operator)");

        // The live view: the node, quorum, the coordinator, the group and where it runs.
        b.waitText(nodeMode, "online");
        b.waitText(webRunsOn, "node1");
        assertThat(b.text(By.id("coordinator"))).isEqualTo("node1");
        assertThat(b.text(By.id("cluster-summary"))).contains("Quorum", "yes", "1 of 1 expected");
        assertThat(b.text(By.cssSelector("tr[data-resource='app']"))).contains("process", "node1: running");
        b.shot("02-live-view");
        // one node has no heartbeat link: the link-quality card says so (GET /links answered, nothing to chart)
        b.waitText(By.id("links-none"), "This node has no heartbeat link (a single-node cluster has no peer).");

        // Standby asks for the password again: a wrong one is refused and nothing is done.
        b.click(By.cssSelector("button[data-op='standby'][data-node='node1']"));
        b.waitVisible("confirm-password");
        assertThat(b.text(By.id("confirm-title"))).isEqualTo("Put node1 in standby?");
        b.type(By.id("confirm-password"), "wrong-password");
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("confirm-error"), "Wrong password: nothing was done.");
        b.shot("03-standby-wrong-password");
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+ONLINE");
        // The right one puts the node in standby: the group stops (no other node may run it).
        b.type(By.id("confirm-password"), OPERATOR_PASSWORD);
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("action-result"), "node1 is in standby.");
        assertThat(b.displayed(By.id("confirm"))).isFalse();
        b.waitText(nodeMode, "standby");
        b.waitText(webRunsOn, "nowhere");
        b.shot("04-standby-done");

        // Online: a plain confirmation; the group starts again.
        b.click(By.cssSelector("button[data-op='online'][data-node='node1']"));
        b.waitVisible("confirm-ok");
        assertThat(b.displayed(By.id("confirm-password-row"))).isFalse();
        b.click(By.id("confirm-ok"));
        b.waitText(nodeMode, "online");
        b.waitText(webRunsOn, "node1");

        platform(nodeMode, webRunsOn);

        // The group's timeline, with the reason of each decision.
        b.click(By.cssSelector("button[data-op='timeline'][data-group='web']"));
        b.waitContains(By.id("timeline"), "no eligible node: node1 is in standby");
        assertThat(b.text(By.id("timeline"))).contains("decision", "action", "web started on node1");
        b.shot("05-timeline");

        // The page's own session cannot stand the node by without the password: the server wants a confirmation
        // (what a stolen token would send is refused with 428, and nothing is done).
        Object unconfirmed = b.asyncScript("const s = JSON.parse(sessionStorage.getItem('duplex.session'));"
                + "fetch('/api/v1/nodes/node1/standby', {method: 'POST', headers: {Authorization: 'Bearer ' + s.token,"
                + " 'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));");
        assertThat(unconfirmed).isEqualTo(428L);
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+ONLINE");

        // The audit view: the refused password (a failed confirmation) and the standby, by olga from the console.
        b.click(auditTab);
        b.waitContains(By.cssSelector("#audit-table tr[data-operation='node-standby'][data-user='olga']"), "node=node1");
        List<String> standbys = b.texts(By.cssSelector("#audit-table tr[data-operation='node-standby'][data-user='olga']"));
        assertThat(standbys).anyMatch(r -> r.contains("REST / console") && r.contains("node=node1")
                && r.contains("ok"));
        assertThat(standbys).as("the unconfirmed request, refused and audited")
                .anyMatch(r -> r.contains("failed") && r.contains("428"));
        assertThat(b.texts(By.cssSelector("#audit-table tr[data-operation='confirm'][data-user='olga']")))
                .anyMatch(r -> r.contains("failed") && r.contains("path=/nodes/node1/standby"));
        b.shot("06-audit");

        // Chinese, then English again, without reloading the page (a marker set now survives).
        b.script("window.duplexNoReload = 42;");
        b.language("zh");
        b.waitText(auditTab, "审计日志");
        b.click(By.cssSelector(".tab[data-tab='overview']"));
        b.waitText(nodeMode, "在线");
        assertThat(b.text(By.cssSelector("#nodes-table thead"))).contains("节点", "存活状态");
        assertThat(b.text(By.id("action-result"))).isEqualTo("node1 已上线。");
        b.shot("07-chinese");
        b.language("en");
        b.waitText(auditTab, "Audit log");
        assertThat(b.text(nodeMode)).isEqualTo("online");
        assertThat(b.script("return window.duplexNoReload;")).isEqualTo(42L);

        // A viewer sees no operation button, and the API refuses her all the same.
        b.click(By.id("logout"));
        b.waitVisible("login-view");
        b.login("vera", VIEWER_PASSWORD);
        b.waitVisible("app-view");
        b.waitText(webRunsOn, "node1");
        assertThat(b.driver.findElements(By.cssSelector("button[data-op='standby'], button[data-op='online'], "
                + "button[data-op='switchover'], button[data-op='cleanup']"))).isEmpty();
        assertThat(b.driver.findElements(By.cssSelector("button[data-op='timeline']"))).hasSize(1);
        b.shot("08-viewer");
        Object refused = b.asyncScript("const s = JSON.parse(sessionStorage.getItem('duplex.session'));"
                + "fetch('/api/v1/nodes/node1/standby', {method: 'POST', headers: {Authorization: 'Bearer ' + s.token,"
                + " 'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));");
        assertThat(refused).isEqualTo(403L);
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+ONLINE");
        // (the address is ::1 or 127.0.0.1, as the browser resolved localhost)
        assertThat(node.client("ha:audit -n 5").output()).containsPattern("vera from \\S+ \\(rest\\): node-standby "
                + "node=node1 -> FAILED: denied: role viewer");

        whatIf();
        mirror();
    }

    /**
     * The Mirror tab: a node without the duplex-mirror feature says so; after feature:install and ha:mirror-create
     * the viewer sees the volume (in both languages) and no operation; an admin promotes it with a plain
     * confirmation and demotes it with the password asked again (a wrong one changes nothing), as the shell sees.
     */
    private void mirror() throws Exception {
        By tab = By.cssSelector(".tab[data-tab='mirror']");
        By row = By.cssSelector("#mirror-table tr[data-volume='cvol']");
        By role = By.cssSelector("#mirror-table tr[data-volume='cvol'] td.role");
        b.click(tab);
        b.waitVisible("mirror-unavailable");
        assertThat(b.text(By.id("mirror-unavailable")))
                .isEqualTo("The mirror is not running on this node (feature:install duplex-mirror).");
        expectOk(node.client("feature:install duplex-mirror"));
        int nbdPort = DuplexContainer.freePort();
        await("ha:mirror-create").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.client("ha:mirror-create --size 4M --backing "
                        + node.home().getParent().resolve("cvol.img") + " --nbd-port " + nbdPort + " cvol")
                        .output().contains("mirror volume cvol configured"));
        b.waitText(role, "secondary");
        // a new volume is Inconsistent until its first promotion
        assertThat(b.text(row)).contains("cvol", "nbd://127.0.0.1:" + nbdPort + "/cvol", "no peer (not replicated)",
                "standalone", "here: inconsistent", "peer: unknown", "0.0 % in sync");
        assertThat(b.displayed(By.id("mirror-unavailable"))).isFalse();
        assertThat(b.driver.findElements(By.cssSelector("#mirror-table button"))).as("a viewer's").isEmpty();
        b.shot("13-mirror-viewer");
        b.language("zh");
        b.waitText(role, "从");
        assertThat(b.text(By.cssSelector("#tab-mirror thead"))).contains("卷", "角色", "连接", "数据");
        assertThat(b.text(row)).contains("无对端（未复制）", "独立");
        b.shot("14-mirror-chinese");
        b.language("en");
        b.waitText(role, "secondary");

        String adminPassword = "console-it-admin-1";
        passwd(node.home(), "admin", "ada", adminPassword);
        b.click(By.id("logout"));
        b.waitVisible("login-view");
        b.login("ada", adminPassword);
        b.waitVisible("app-view");
        b.click(tab);
        b.click(By.cssSelector("button[data-op='promote'][data-volume='cvol']"));
        b.waitVisible("confirm-ok");
        assertThat(b.text(By.id("confirm-title"))).isEqualTo("Make this node primary for cvol?");
        b.waitVisible("confirm-password");
        b.type(By.id("confirm-password"), adminPassword);
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("action-result"), "This node is primary for cvol.");
        b.waitText(role, "primary");
        b.waitContains(row, "here: up to date");
        assertThat(b.text(row)).contains("100.0 % in sync");
        assertThat(node.client("ha:mirror-status cvol").output()).contains("role=PRIMARY");
        assertThat(b.driver.findElements(By.cssSelector("button[data-op='invalidate']"))).as("no peer").isEmpty();

        b.click(By.cssSelector("button[data-op='demote'][data-volume='cvol']"));
        b.waitVisible("confirm-password");
        assertThat(b.text(By.id("confirm-title"))).isEqualTo("Make this node secondary for cvol?");
        b.type(By.id("confirm-password"), "wrong-password");
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("confirm-error"), "Wrong password: nothing was done.");
        assertThat(node.client("ha:mirror-status cvol").output()).contains("role=PRIMARY");
        b.type(By.id("confirm-password"), adminPassword);
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("action-result"), "This node is secondary for cvol.");
        b.waitText(role, "secondary");
        b.shot("15-mirror-admin");
        assertThat(node.client("ha:mirror-status cvol").output()).contains("role=SECONDARY");
        String audit = node.client("ha:audit -n 10").output();
        assertThat(audit).containsPattern("ada from \\S+ \\(rest\\): mirror-promote volume=cvol -> ok")
                .containsPattern("ada from \\S+ \\(rest\\): mirror-demote volume=cvol -> ok");
    }

    /**
     * The platform's views as the operator: plug-ins (the cluster's empty set, what this node could install, no
     * install button for an operator), monitors (none bound), backups (the plug-in absent, said so), then maintenance
     * from the node table (a plain confirmation; the group keeps running, left alone) and online again.
     */
    private void platform(By nodeMode, By webRunsOn) throws Exception {
        b.click(By.cssSelector(".tab[data-tab='plugins']"));
        b.waitContains(By.id("plugins-available"), "duplex-plugin-ping");
        assertThat(b.text(By.id("plugins-summary"))).contains("0 plug-ins");
        assertThat(b.driver.findElements(By.cssSelector("button[data-op='plugin-install']"))).isEmpty();
        b.shot("05a-plugins");
        b.click(By.cssSelector(".tab[data-tab='monitors']"));
        b.waitText(By.id("monitors-empty"), "No monitors are bound.");
        b.shot("05b-monitors");
        b.click(By.cssSelector(".tab[data-tab='backups']"));
        b.waitContains(By.id("backups-absent"), "The backup plug-in is not installed on this node");
        b.shot("05c-backups");
        b.click(By.cssSelector(".tab[data-tab='overview']"));
        b.click(By.cssSelector("button[data-op='maintenance'][data-node='node1']"));
        b.waitVisible("confirm-ok");
        assertThat(b.text(By.id("confirm-title"))).isEqualTo("Put node1 in maintenance?");
        // the node's resources go unprotected: the password is asked again
        b.waitVisible("confirm-password");
        b.type(By.id("confirm-password"), OPERATOR_PASSWORD);
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("action-result"), "node1 is in maintenance.");
        b.waitText(nodeMode, "maintenance");
        assertThat(b.text(webRunsOn)).isEqualTo("node1");
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+MAINTENANCE");
        b.shot("05d-maintenance");
        b.click(By.cssSelector("button[data-op='online'][data-node='node1']"));
        b.waitVisible("confirm-ok");
        b.click(By.id("confirm-ok"));
        b.waitText(nodeMode, "online");
        b.waitText(By.id("action-result"), "node1 is online.");
    }

    /**
     * The what-if view, as the viewer (it changes nothing, so she may): node1 failing now, in English and Chinese,
     * the same plan as ha:simulate in the shell; then a candidate configuration (a new group) shows its plan without
     * being applied, and candidates the node cannot use are refused without anything sent or applied.
     */
    private void whatIf() throws Exception {
        By tab = By.cssSelector(".tab[data-tab='whatif']");
        By web = By.cssSelector("#whatif-table tr[data-group='web']");
        By webNow = By.cssSelector("#whatif-table tr[data-group='web'] td.now");
        By webAfter = By.cssSelector("#whatif-table tr[data-group='web'] td.after");
        By webChange = By.cssSelector("#whatif-table tr[data-group='web'] td.change");
        By webReasons = By.cssSelector("#whatif-table tr[data-group='web'] td.reasons");
        By fail1 = By.cssSelector("#whatif-nodes input[data-node='node1']");
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("Config:\\s+version \\d+ ")
                .matcher(node.client("ha:status").output());
        assertThat(version.find()).as("ha:status shows the configuration version").isTrue();
        String configVersion = version.group();

        b.click(tab);
        b.waitVisible("whatif-form");
        b.click(fail1);
        b.click(By.id("whatif-run"));
        b.waitContains(web, "web");
        assertThat(b.text(By.id("whatif-summary"))).isEqualTo("If node1 failed now, with the running configuration, "
                + "the engine would take no step. Nothing was done.");
        assertThat(b.text(webNow)).isEqualTo("node1");
        assertThat(b.text(webAfter)).isEqualTo("nowhere");
        assertThat(b.text(webChange)).isEqualTo("stops");
        String reason = "web stays stopped: no eligible node: node1 is dead (simulated failure)";
        assertThat(b.text(webReasons)).isEqualTo(reason);
        assertThat(b.text(By.id("whatif-other"))).isEmpty(); // no fence, no other note, no violation
        assertThat(node.client("ha:simulate --fail node1").output()).contains(reason, "placement afterwards: web=-");
        b.shot("09-whatif-node-failure");

        b.language("zh");
        b.waitText(tab, "假设分析");
        b.waitText(webChange, "停止");
        assertThat(b.text(webAfter)).isEqualTo("无处运行");
        assertThat(b.text(By.id("whatif-summary"))).isEqualTo("如果 node1 现在发生故障，使用正在运行的配置，"
                + "引擎不会执行任何步骤。未执行任何操作。"); // no spaces between Chinese phrases
        assertThat(b.text(By.cssSelector("#whatif-table thead"))).contains("当前运行于", "之后将运行于", "原因");
        assertThat(b.text(webReasons)).isEqualTo(reason); // the engine's own words stay as sent
        b.shot("10-whatif-chinese");
        b.language("en");
        b.waitText(webChange, "stops");

        // A candidate configuration: the running one loads into the editor; a new group's plan is shown, not applied.
        b.click(fail1);
        b.click(By.id("whatif-use-config"));
        b.until(d -> String.valueOf(b.script("return document.getElementById('whatif-config').value;"))
                .contains("\"web\""));
        b.script("const ta = document.getElementById('whatif-config'); const c = JSON.parse(ta.value);"
                + "c.resources.push({id: 'app2', type: 'process', params: {command: '/bin/sleep 1000'}});"
                + "c.groups.push({id: 'db', resources: ['app2'], nodes: ['node1']});"
                + "ta.value = JSON.stringify(c, null, 2);");
        b.click(By.id("whatif-run"));
        By db = By.cssSelector("#whatif-table tr[data-group='db']");
        b.waitContains(db, "db");
        assertThat(b.text(By.id("whatif-summary"))).startsWith("With no node failing, with the edited configuration,");
        assertThat(b.text(By.cssSelector("#whatif-table tr[data-group='db'] td.change"))).isEqualTo("starts");
        assertThat(b.text(By.cssSelector("#whatif-table tr[data-group='db'] td.steps")))
                .contains("start app2 on node1");
        assertThat(b.text(By.cssSelector("#whatif-table tr[data-group='db'] td.after"))).isEqualTo("node1");
        assertThat(b.text(webChange)).isEqualTo("stays");
        assertThat(b.text(By.id("whatif-summary"))).endsWith("the engine would take 1 step(s). Nothing was done.");
        b.script("document.getElementById('whatif-result').scrollIntoView();");
        b.shot("11-whatif-configuration");
        // not applied: no group db, the same configuration version, web still running
        assertThat(node.client("ha:group-show").output()).doesNotContain("db").contains("web");
        assertThat(node.client("ha:status").output()).contains(configVersion);

        // Not JSON: refused on the page, nothing sent. A group naming a missing resource: the node refuses it,
        // naming the field.
        b.script("document.getElementById('whatif-config').value = '{\"groups\": [';");
        b.click(By.id("whatif-run"));
        b.waitContains(By.id("whatif-error"), "is not valid JSON");
        assertThat(b.displayed(By.id("whatif-result"))).isFalse();
        b.click(By.id("whatif-load"));
        b.until(d -> String.valueOf(b.script("return document.getElementById('whatif-config').value;"))
                .contains("\"web\""));
        b.script("const ta = document.getElementById('whatif-config'); const c = JSON.parse(ta.value);"
                + "c.groups[0].resources = ['nope']; ta.value = JSON.stringify(c);");
        b.click(By.id("whatif-run"));
        b.waitContains(By.id("whatif-error"), "(field: configuration)");
        assertThat(b.text(By.id("whatif-error"))).startsWith("Refused (400)").contains("nope");
        b.script("document.getElementById('whatif-error').scrollIntoView();");
        b.shot("12-whatif-refused");
        assertThat(node.client("ha:group-show web").output()).contains("app=running");
        // a read: nothing of it in the audit log
        assertThat(node.client("ha:audit -n 50").output()).doesNotContain("simulate");
    }

    /** bin/duplex-passwd as an operator runs it, the password on stdin. */
    static void passwd(Path home, String role, String user, String password) throws Exception {
        Process p = new ProcessBuilder("bin/duplex-passwd", "-r", role, user, "-").directory(home.toFile())
                .redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write((password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static void expectOk(DistributionNode.Result r) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContainIgnoringCase("error");
    }
}
