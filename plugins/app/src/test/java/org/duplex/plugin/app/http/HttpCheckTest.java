package org.duplex.plugin.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real servers: com.sun.net.httpserver over HTTP, and over HTTPS with a self-signed certificate. */
class HttpCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path dir;

    private static HttpServer http;
    private static HttpsServer https;
    private static ExecutorService handlers;
    /** The slow handler waits on this until the class is done: slowness by a latch, not a clock. */
    private static final CountDownLatch release = new CountDownLatch(1);

    private final HttpCheck check = new HttpCheck();

    @BeforeAll
    static void start() throws Exception {
        handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        });
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        http = HttpServer.create(loopback, 50);
        https = HttpsServer.create(loopback, 50);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        for (HttpServer s : List.of(http, https)) {
            s.createContext("/ok", ex -> answer(ex, 200, "status: all good"));
            s.createContext("/down", ex -> answer(ex, 503, "maintenance"));
            s.createContext("/moved", ex -> {
                ex.getResponseHeaders().add("Location", "/ok");
                answer(ex, 302, "");
            });
            s.createContext("/slow", ex -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(ex, 200, "late");
            });
            s.createContext("/stream", HttpCheckTest::endless);
            s.setExecutor(handlers);
            s.start();
        }
    }

    @AfterAll
    static void stop() {
        release.countDown();
        http.stop(0);
        https.stop(0);
        handlers.shutdownNow();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        if (ex.getRequestMethod().equals("HEAD") || b.length == 0) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
    }

    /** "ready" and then body without end (until the client hangs up, at most 64 MiB). */
    private static void endless(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write("ready\n".getBytes(StandardCharsets.UTF_8));
            byte[] filler = new byte[8192];
            java.util.Arrays.fill(filler, (byte) '.');
            for (int i = 0; i < 8192; i++) {
                out.write(filler);
            }
        } catch (IOException e) {
            // the check stopped reading: expected
        }
    }

    /** A key pair and self-signed certificate for CN=localhost from the JDK's keytool, into a TLS context. */
    private static SSLContext selfSigned() throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished: " + out).isTrue();
        assertThat(p.exitValue()).as("keytool: " + out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static String secure(String path) {
        return "https://127.0.0.1:" + https.getAddress().getPort() + path;
    }

    private static Map<String, String> get(String url, String... more) {
        Map<String, String> p = new HashMap<>(Map.of("url", url));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void okIsHealthy() {
        HealthStatus s = check.check(get(url("/ok")), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).matches("\\Q" + url("/ok") + "\\E answered 200 in [0-9.]+ ms");
    }

    @Test
    void unavailableIsUnhealthyUnlessExpected() {
        HealthStatus s = check.check(get(url("/down")), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).startsWith(url("/down") + " answered 503 in ").endsWith(" (expected 200-399)");
        assertThat(check.check(get(url("/down"), "status", "200,500-503"), TIMEOUT).health())
                .isEqualTo(Health.HEALTHY);
    }

    @Test
    void redirectIsAnAnswerNotFollowed() {
        assertThat(check.check(get(url("/moved")), TIMEOUT).reason()).contains(" answered 302 in ");
        HealthStatus strict = check.check(get(url("/moved"), "status", "200"), TIMEOUT);
        assertThat(strict.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(strict.reason()).endsWith("(expected 200)");
    }

    @Test
    void headHasNoBody() {
        assertThat(check.check(get(url("/ok"), "method", "head"), TIMEOUT).health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void bodySubstringAndRegex() {
        assertThat(check.check(get(url("/ok"), "expect", "all good"), TIMEOUT).health()).isEqualTo(Health.HEALTHY);
        assertThat(check.check(get(url("/ok"), "expect-regex", "status: (all|most) good"), TIMEOUT).health())
                .isEqualTo(Health.HEALTHY);

        HealthStatus missing = check.check(get(url("/ok"), "expect", "database: up"), TIMEOUT);
        assertThat(missing.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(missing.reason()).contains(" answered 200 in ")
                .endsWith("without 'database: up' in the body (body starts 'status: all good')");
        HealthStatus noMatch = check.check(get(url("/ok"), "expect-regex", "^ok$"), TIMEOUT);
        assertThat(noMatch.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(noMatch.reason()).contains("the body does not match /^ok$/");
    }

    @Test
    void endlessBodyIsReadOnlyUpToTheCap() {
        long t0 = System.nanoTime();
        HealthStatus s = check.check(get(url("/stream"), "expect", "ready"), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT);
    }

    @Test
    void slowAnswerIsUnhealthyWithinTheTimeout() {
        Duration timeout = Duration.ofMillis(2000);
        long t0 = System.nanoTime();
        HealthStatus s = check.check(get(url("/slow")), timeout);
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).startsWith("no answer from " + url("/slow") + " within ");
        assertThat(s.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000)); // margin: loaded CI scheduling
        assertThat(wall).isLessThan(timeout.plusMillis(1000));
    }

    @Test
    void refusedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HealthStatus s = check.check(get("http://127.0.0.1:" + port + "/"), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("cannot connect to http://127.0.0.1:" + port + "/: connection refused or unreachable");
    }

    @Test
    void selfSignedTlsNeedsInsecure() {
        HealthStatus verified = check.check(get(secure("/ok")), TIMEOUT);
        assertThat(verified.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(verified.reason()).startsWith("TLS with " + secure("/ok") + " failed: ")
                .endsWith("(insecure=true accepts a self-signed certificate)");

        // the certificate is for CN=localhost and the URL says 127.0.0.1: insecure skips the name check too
        HealthStatus trusted = check.check(get(secure("/ok"), "insecure", "true", "expect", "all good"), TIMEOUT);
        assertThat(trusted.health()).isEqualTo(Health.HEALTHY);
        assertThat(trusted.reason()).startsWith(secure("/ok") + " answered 200 in ");
        assertThat(check.check(get(secure("/down"), "insecure", "true"), TIMEOUT).reason())
                .contains(" answered 503 in ");
    }

    @Test
    void parametersAreValidatedByName() {
        assertThat(check.validate(Map.of())).containsExactly(
                "url: required (http:// or https://, for example url=http://127.0.0.1:8080/health)");
        assertThat(check.validate(Map.of("url", "ftp://x/"))).containsExactly("url: 'ftp://x/' is not http:// or https://");
        assertThat(check.validate(Map.of("url", "http:///x"))).containsExactly("url: 'http:///x' has no host");
        assertThat(check.validate(Map.of("url", "http://x/a b"))).hasSize(1).allMatch(p -> p.startsWith("url: "));
        assertThat(check.validate(get("http://x/", "method", "POST"))).containsExactly(
                "method: 'POST' is not GET or HEAD");
        assertThat(check.validate(get("http://x/", "status", "300-200"))).containsExactly(
                "status: '300-200' in '300-200' is an empty range");
        assertThat(check.validate(get("http://x/", "status", "2xx"))).containsExactly(
                "status: '2xx' in '2xx' is not a status code (100-599)");
        assertThat(check.validate(get("http://x/", "expect-regex", "(("))).hasSize(1)
                .allMatch(p -> p.startsWith("expect-regex: '((' is not a regular expression: "));
        assertThat(check.validate(get("http://x/", "method", "HEAD", "expect", "ok"))).containsExactly(
                "expect: a HEAD answer has no body (use method=GET)");
        assertThat(check.validate(get("http://x/", "insecure", "maybe"))).containsExactly(
                "insecure: 'maybe' is not true or false");
        assertThat(check.validate(get("http://x/", "host", "x"))).containsExactly(
                "host: unknown parameter (http takes url, method, status, expect, expect-regex, insecure)");
        assertThat(check.check(Map.of("url", "x"), TIMEOUT).health()).isEqualTo(Health.UNKNOWN);
    }

    @Test
    void statusSets() {
        StatusSet s = StatusSet.parse("200, 204,300-302");
        assertThat(s.contains(200)).isTrue();
        assertThat(s.contains(204)).isTrue();
        assertThat(s.contains(301)).isTrue();
        assertThat(s.contains(201)).isFalse();
        assertThat(s.contains(303)).isFalse();
        assertThat(StatusSet.DEFAULT.contains(399)).isTrue();
        assertThat(StatusSet.DEFAULT.contains(400)).isFalse();
    }
}
