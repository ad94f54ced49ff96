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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium + chromium-driver through Selenium), against a
 * real node: the distribution unpacked and started with bin/start (duplex-web is a boot feature), users made with
 * bin/duplex-passwd, a group of one process resource. Drives what an operator does: a wrong login refused, the
 * live view (node, quorum, coordinator, the group running), standby with the password asked again (a wrong one
 * refused and nothing done, the right one stops the group), online (the group starts again), the group's timeline
 * with the reasons, the audit view, Chinese and back without a reload, and a viewer who sees no operation button
 * and is refused by the API all the same. Screenshots of each step go to target/console-screenshots/; the RSS and
 * CPU of the Karaf JVM and of Chromium go to footprint.txt there and to stdout.
 *
 * <p>Selenium runs in this JVM, not in a Pax Exam probe: the probe runs inside Karaf, where Selenium's client is
 * not an OSGi bundle. Skips with a loud reason without chromium/chromedriver, except under CI as root (CI runs
 * scripts/install-deps.sh, which installs them), where their absence fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final String OPERATOR_PASSWORD = "console-it-operator";
    private static final String VIEWER_PASSWORD = "console-it-viewer-1";
    private static final Duration UI_WAIT = Duration.ofSeconds(30);

    private DistributionNode node;
    private Path work;
    private Path shots;
    private String base;
    private WebDriver driver;
    private WebDriverWait wait;
    private final List<String> footprint = new ArrayList<>();
    private Footprint karafBefore;
    private long browserStart;
    private String profileDir;

    @BeforeAll
    void setUp() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String why = "ConsoleIT needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): scripts/install-deps.sh installs them";
            boolean ciAsRoot = "true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"));
            if (ciAsRoot) {
                throw new AssertionError("CI runs install-deps as root, yet: " + why);
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort("SKIPPED: " + why);
        }
        Path workDir = Paths.get(DuplexContainer.required("duplex.workDir"));
        work = workDir.resolve("console");
        shots = workDir.getParent().resolve("console-screenshots");
        DistributionNode.deleteTree(shots);
        Files.createDirectories(shots);
        node = DistributionNode.unpack(Paths.get(DuplexContainer.required("duplex.assembly")), work.resolve("node1"));
        node.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
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
        passwd("operator", "olga", OPERATOR_PASSWORD);
        passwd("viewer", "vera", VIEWER_PASSWORD);
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
        profileDir = Files.createTempDirectory(work, "chromium-profile").toString();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--ignore-certificate-errors", "--window-size=1280,1000", "--lang=en-GB",
                "--user-data-dir=" + profileDir);
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browserStart = System.nanoTime();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, UI_WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (driver != null) {
                Footprint chromium = Footprint.ofCommandLine(profileDir);
                double seconds = (System.nanoTime() - browserStart) / 1e9;
                footprint.add(String.format("chromium at the end: %s; CPU %.1f%% of a core on average over the "
                        + "%.0f s session (live processes only)", chromium.describe(),
                        chromium.cpuTicks() * 0.01 / seconds * 100, seconds));
                Footprint karafAfter = Footprint.of(node.pid());
                footprint.add(String.format("karaf at the end: %s; CPU %.1f%% of a core during the browser session",
                        karafAfter.describe(), karafAfter.percentOfACoreSince(karafBefore)));
                driver.quit();
            }
        } finally {
            if (!footprint.isEmpty()) {
                footprint.forEach(l -> System.out.println("ConsoleIT footprint: " + l));
                Files.write(shots.resolve("footprint.txt"), footprint);
            }
            if (node != null) {
                node.kill();
            }
        }
    }

    @Test
    void operatorAndViewerUseTheConsoleInBothLanguages() throws Exception {
        // Login: a wrong password is refused on the page; the right one opens the live view.
        driver.get(base + "/");
        assertThat(driver.getCurrentUrl()).endsWith("/console/");
        waitVisible("login-view");
        assertThat(text(By.cssSelector("#login-view h1"))).isEqualTo("Sign in");
        login("olga", "not-her-password");
        wait.until(d -> text(By.id("login-error")).equals("Wrong user name or password."));
        shot("01-login-refused");
        login("olga", OPERATOR_PASSWORD);
        waitVisible("app-view");
        assertThat(text(By.id("who"))).isEqualTo("olga (operator)");

        // The live view: the node, quorum, the coordinator, the group and where it runs.
        wait.until(d -> text(By.cssSelector("tr[data-node='node1'] td.mode")).equals("online"));
        wait.until(d -> text(By.cssSelector("tr[data-group='web'] td.running-on")).equals("node1"));
        assertThat(text(By.id("coordinator"))).isEqualTo("node1");
        assertThat(text(By.id("cluster-summary"))).contains("Quorum", "yes", "1 of 1 expected");
        assertThat(text(By.cssSelector("tr[data-resource='app']"))).contains("process", "node1: running");
        shot("02-live-view");

        // Standby asks for the password again: a wrong one is refused and nothing is done.
        click(By.cssSelector("button[data-op='standby'][data-node='node1']"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-password")));
        assertThat(text(By.id("confirm-title"))).isEqualTo("Put node1 in standby?");
        driver.findElement(By.id("confirm-password")).sendKeys("wrong-password");
        click(By.id("confirm-ok"));
        wait.until(d -> text(By.id("confirm-error")).equals("Wrong password: nothing was done."));
        shot("03-standby-wrong-password");
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+ONLINE");
        // The right one puts the node in standby: the group stops (no other node may run it).
        driver.findElement(By.id("confirm-password")).sendKeys(OPERATOR_PASSWORD);
        click(By.id("confirm-ok"));
        wait.until(d -> text(By.id("action-result")).equals("node1 is in standby."));
        assertThat(driver.findElement(By.id("confirm")).isDisplayed()).isFalse();
        wait.until(d -> text(By.cssSelector("tr[data-node='node1'] td.mode")).equals("standby"));
        wait.until(d -> text(By.cssSelector("tr[data-group='web'] td.running-on")).equals("nowhere"));
        shot("04-standby-done");

        // Online: a plain confirmation; the group starts again.
        click(By.cssSelector("button[data-op='online'][data-node='node1']"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok")));
        assertThat(driver.findElement(By.id("confirm-password-row")).isDisplayed()).isFalse();
        click(By.id("confirm-ok"));
        wait.until(d -> text(By.cssSelector("tr[data-node='node1'] td.mode")).equals("online"));
        wait.until(d -> text(By.cssSelector("tr[data-group='web'] td.running-on")).equals("node1"));

        // The group's timeline, with the reason of each decision.
        click(By.cssSelector("button[data-op='timeline'][data-group='web']"));
        wait.until(d -> text(By.id("timeline")).contains("no eligible node: node1 is in standby"));
        assertThat(text(By.id("timeline"))).contains("decision", "action", "web started on node1");
        shot("05-timeline");

        // The audit view: the refused password (a failed login) and the standby, by olga from the console.
        click(By.cssSelector(".tab[data-tab='audit']"));
        wait.until(d -> !driver.findElements(By.cssSelector("#audit-table tr[data-operation='node-standby']"))
                .isEmpty());
        String standbyRow = text(By.cssSelector("#audit-table tr[data-operation='node-standby'][data-user='olga']"));
        assertThat(standbyRow).contains("olga", "REST / console", "node=node1", "ok");
        List<String> logins = wait.until(d -> d.findElements(
                By.cssSelector("#audit-table tr[data-operation='login'][data-user='olga']"))
                .stream().map(WebElement::getText).toList());
        assertThat(logins).anyMatch(r -> r.contains("failed"));
        shot("06-audit");

        // Chinese, then English again, without reloading the page (a marker set now survives).
        ((JavascriptExecutor) driver).executeScript("window.duplexNoReload = 42;");
        new Select(driver.findElement(By.id("lang"))).selectByValue("zh");
        wait.until(d -> text(By.cssSelector(".tab[data-tab='audit']")).equals("审计日志"));
        click(By.cssSelector(".tab[data-tab='overview']"));
        wait.until(d -> text(By.cssSelector("tr[data-node='node1'] td.mode")).equals("在线"));
        assertThat(text(By.cssSelector("#nodes-table thead"))).contains("节点", "存活状态");
        assertThat(text(By.id("action-result"))).isEqualTo("node1 已上线。");
        shot("07-chinese");
        new Select(driver.findElement(By.id("lang"))).selectByValue("en");
        wait.until(d -> text(By.cssSelector(".tab[data-tab='audit']")).equals("Audit log"));
        assertThat(text(By.cssSelector("tr[data-node='node1'] td.mode"))).isEqualTo("online");
        assertThat(((JavascriptExecutor) driver).executeScript("return window.duplexNoReload;")).isEqualTo(42L);

        // A viewer sees no operation button, and the API refuses her all the same.
        click(By.id("logout"));
        waitVisible("login-view");
        login("vera", VIEWER_PASSWORD);
        waitVisible("app-view");
        wait.until(d -> text(By.cssSelector("tr[data-group='web'] td.running-on")).equals("node1"));
        assertThat(driver.findElements(By.cssSelector("button[data-op='standby'], button[data-op='online'], "
                + "button[data-op='switchover'], button[data-op='cleanup']"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("button[data-op='timeline']"))).hasSize(1);
        shot("08-viewer");
        Object refused = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "const s = JSON.parse(sessionStorage.getItem('duplex.session'));"
                + "fetch('/api/v1/nodes/node1/standby', {method: 'POST', headers: {Authorization: 'Bearer ' + s.token,"
                + " 'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));");
        assertThat(refused).isEqualTo(403L);
        assertThat(node.client("ha:status").output()).containsPattern("node1 \\*\\s+MEMBER\\s+1\\s+ONLINE");
        // (the address is ::1 or 127.0.0.1, as the browser resolved localhost)
        assertThat(node.client("ha:audit -n 5").output()).containsPattern("vera from \\S+ \\(rest\\): node-standby "
                + "node=node1 -> FAILED: denied: role viewer");
    }

    private void passwd(String role, String user, String password) throws Exception {
        DistributionNode.Result r = node.run(Duration.ofSeconds(30), "sh", "-c",
                "printf '%s\\n' '" + password + "' | bin/duplex-passwd -r " + role + " " + user + " -");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private void login(String user, String password) {
        WebElement u = driver.findElement(By.id("username"));
        u.clear();
        u.sendKeys(user);
        WebElement p = driver.findElement(By.id("password"));
        p.clear();
        p.sendKeys(password);
        click(By.id("login-submit"));
    }

    /** The console repaints a table when its data changes, so an element found a moment ago may be gone: retry. */
    private void click(By by) {
        wait.until(d -> {
            WebElement e = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (e == null) {
                return false;
            }
            e.click();
            return true;
        });
    }

    private void waitVisible(String id) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private String text(By by) {
        return wait.until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() ? "" : found.get(0).getText().strip();
        });
    }

    private void shot(String name) throws Exception {
        Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static void expectOk(DistributionNode.Result r) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContainIgnoringCase("error");
    }
}
