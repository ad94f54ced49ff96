package org.duplex.itests.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Assumptions;
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
 * Debian's headless Chromium driven through /usr/bin/chromedriver (never Selenium Manager, which would download
 * a browser), with a fresh profile, accepting the node's self-signed certificate; and the console's gestures.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Duration UI_WAIT = Duration.ofSeconds(30);

    final WebDriver driver;
    private final WebDriverWait wait;
    private final Path shots;
    private final String profileDir;
    private final long started = System.nanoTime();

    /** Skips the calling test loudly without chromium; under CI as root (install-deps ran) that is a failure. */
    static void requireChromium(String test) {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String why = test + " needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): scripts/install-deps.sh installs them";
        if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("CI runs install-deps as root, yet: " + why);
        }
        System.err.println("SKIPPED: " + why);
        Assumptions.abort("SKIPPED: " + why);
    }

    ConsoleBrowser(Path work, Path shots) throws Exception {
        this.shots = Files.createDirectories(shots);
        profileDir = Files.createTempDirectory(Files.createDirectories(work), "chromium-profile").toString();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--ignore-certificate-errors", "--window-size=1280,1000", "--lang=en-GB",
                "--user-data-dir=" + profileDir);
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, UI_WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    void open(String url) {
        driver.get(url);
    }

    void login(String user, String password) {
        WebElement u = driver.findElement(By.id("username"));
        u.clear();
        u.sendKeys(user);
        WebElement p = driver.findElement(By.id("password"));
        p.clear();
        p.sendKeys(password);
        click(By.id("login-submit"));
    }

    /** The console repaints a table when its data changes, so an element found a moment ago may be gone: retry. */
    void click(By by) {
        wait.until(d -> {
            WebElement e = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (e == null) {
                return false;
            }
            e.click();
            return true;
        });
    }

    void type(By by, String text) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(by)).sendKeys(text);
    }

    void waitVisible(String id) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    boolean displayed(By by) {
        // (a Boolean false would make the wait go on: wrap it)
        return wait.until(d -> java.util.Optional.of(d.findElement(by).isDisplayed())).get();
    }

    /** The first match's visible text, or "" when nothing matches (retried while the console repaints it). */
    String text(By by) {
        return wait.until(d -> read(d, by));
    }

    List<String> texts(By by) {
        return wait.until(d -> d.findElements(by).stream().map(WebElement::getText).toList());
    }

    /** Waits until {@code by}'s text equals {@code expected}; fails with what it showed instead. */
    void waitText(By by, String expected) {
        String[] seen = {""};
        new WebDriverWait(driver, UI_WAIT).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> by + " should read '" + expected + "' but read '" + seen[0] + "'")
                .until(d -> (seen[0] = read(d, by)).equals(expected));
    }

    void waitContains(By by, String expected) {
        String[] seen = {""};
        new WebDriverWait(driver, UI_WAIT).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> by + " should contain '" + expected + "' but read '" + seen[0] + "'")
                .until(d -> (seen[0] = read(d, by)).contains(expected));
    }

    private static String read(WebDriver d, By by) {
        List<WebElement> found = d.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText().strip();
    }

    <T> T until(Function<WebDriver, T> condition) {
        return wait.until(condition);
    }

    void language(String lang) {
        new Select(driver.findElement(By.id("lang"))).selectByValue(lang);
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    /** Runs {@code js} as an async script: it must call {@code done(value)}. */
    Object asyncScript(String js) {
        return ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];" + js);
    }

    void shot(String name) throws Exception {
        Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Chromium's processes of this profile: RSS, PSS, and CPU on average since the browser started. */
    String footprint() throws Exception {
        Footprint f = Footprint.ofCommandLine(profileDir);
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("chromium: %s; CPU %.1f%% of a core on average over its %.0f s (live processes only)",
                f.describe(), f.cpuTicks() * 0.01 / seconds * 100, seconds);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
