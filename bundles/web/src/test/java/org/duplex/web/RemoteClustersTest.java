package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered clusters over real TLS: a JDK HTTPS server on this host answers as a Duplex node's API would (login,
 * status, groups) with keystores made by keytool as a node makes its own ({@link Keystores}).
 */
class RemoteClustersTest {

    @TempDir
    static Path keys;
    static Path keystoreA;
    static Path keystoreB;

    @TempDir
    Path etc;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T18:00:00Z"), ZoneOffset.UTC);
    private Remote remote;

    @BeforeAll
    static void keystores() throws Exception {
        keystoreA = keys.resolve("a.p12");
        keystoreB = keys.resolve("b.p12");
        Keystores.ensure(keystoreA, "localhost", Duration.ofSeconds(60));
        Keystores.ensure(keystoreB, "localhost", Duration.ofSeconds(60));
    }

    /** A Duplex node's API as far as a watching console uses it: user watcher / watchpw, token t1 (or t2...). */
    static final class Remote {
        final HttpsServer server;
        final List<String> requests = new CopyOnWriteArrayList<>();
        volatile String token = "t1";
        volatile boolean quorate = true;

        Remote(Path keystore, int port) throws Exception {
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl(keystore)));
            server.createContext("/api/v1/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }

        private void handle(HttpExchange x) throws IOException {
            String path = x.getRequestURI().getPath().substring("/api/v1".length());
            requests.add(x.getRequestMethod() + " " + path);
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("/login")) {
                if (body.contains("\"username\":\"watcher\"") && body.contains("\"password\":\"watchpw\"")) {
                    reply(x, 200, "{\"token\":\"" + token + "\",\"user\":\"watcher\",\"role\":\"viewer\"}");
                } else {
                    reply(x, 401, "{\"status\":401,\"error\":\"wrong user name or password\"}");
                }
                return;
            }
            if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                reply(x, 401, "{\"status\":401,\"error\":\"the token is unknown or expired: log in again\"}");
                return;
            }
            switch (path) {
                case "/status" -> reply(x, 200, "{\"clusterName\":\"east\",\"localNode\":\"e1\",\"quorate\":" + quorate
                        + ",\"quorumReason\":\"2 of 3\",\"votes\":2,\"expectedVotes\":3,\"coordinator\":\"e1\","
                        + "\"epoch\":4,\"configVersion\":9,\"tiebreaker\":\"none\",\"nodes\":["
                        + "{\"id\":\"e1\",\"mode\":\"ONLINE\",\"inView\":true,\"liveness\":\"SELF\"},"
                        + "{\"id\":\"e2\",\"mode\":\"ONLINE\",\"inView\":true,\"liveness\":\"ALIVE\"},"
                        + "{\"id\":\"e3\",\"mode\":\"ONLINE\",\"inView\":false,\"liveness\":\"DEAD\"}]}");
                case "/groups" -> reply(x, 200, "[{\"id\":\"web\",\"runningOn\":[\"e1\"],\"states\":{\"e1\":"
                        + "{\"vip\":\"running\"}},\"blocked\":[]},{\"id\":\"db\",\"runningOn\":[],\"states\":{\"e2\":"
                        + "{\"pg\":\"failed\"}},\"blocked\":[]},{\"id\":\"batch\",\"runningOn\":[],\"states\":{},"
                        + "\"blocked\":[\"no eligible node: e3 is dead\"]},{\"id\":\"idle\",\"runningOn\":[],"
                        + "\"states\":{},\"blocked\":[]}]");
                default -> reply(x, 404, "{\"status\":404,\"error\":\"no endpoint\"}");
            }
        }

        private static void reply(HttpExchange x, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        }
    }

    static SSLContext ssl(Path keystore) throws Exception {
        char[] pw = Files.readString(Keystores.passwordFile(keystore)).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    static String fingerprintOf(Path keystore) {
        try {
            char[] pw = Files.readString(Keystores.passwordFile(keystore)).strip().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, pw);
            }
            return PinnedTls.fingerprint((X509Certificate) ks.getCertificate(ks.aliases().nextElement()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (remote != null) {
            remote.stop();
        }
    }

    private RemoteClusters clusters() {
        return new RemoteClusters(new ClusterRegistry(etc.resolve("duplex-clusters.json")), Duration.ofSeconds(5),
                clock);
    }

    private URI url() {
        return URI.create("https://127.0.0.1:" + remote.port());
    }

    @Test
    void registeringPinsThePresentedCertificateAndKeepsTheSecretInAnOwnerOnlyFile() throws Exception {
        remote = new Remote(keystoreA, 0);
        RemoteClusters c = clusters();
        Map<String, Object> r = c.register("east", url(), "watcher", "watchpw", null, "admin");
        RemoteCluster.View view = (RemoteCluster.View) r.get("cluster");
        assertThat(view.fingerprint()).isEqualTo(fingerprintOf(keystoreA));
        assertThat(view.registeredBy()).isEqualTo("admin");
        ClusterHealth h = (ClusterHealth) r.get("health");
        assertThat(h.clusterName()).isEqualTo("east");
        Path file = etc.resolve("duplex-clusters.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(ClusterRegistry.OWNER_ONLY);
        assertThat(Files.readString(file)).contains("watchpw", fingerprintOf(keystoreA));
        String shown = new ObjectMapper().writeValueAsString(c.list());
        assertThat(shown).contains("east", "watcher", fingerprintOf(keystoreA)).doesNotContain("watchpw");
        // another instance over the same file (a restart) knows it and reads its health
        RemoteClusters again = clusters();
        assertThat(again.list()).extracting(RemoteCluster.View::name).containsExactly("east");
        assertThat(((ClusterHealth) again.status("east").get("health")).quorate()).isTrue();
        assertThatThrownBy(() -> again.register("east", url(), "watcher", "watchpw", null, "admin"))
                .isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
                    assertThat(e.status).isEqualTo(409);
                    assertThat(e.field).isEqualTo("cluster");
                });
        again.remove("east");
        assertThat(clusters().list()).isEmpty();
        assertThat(Files.readString(file)).doesNotContain("watchpw");
    }

    @Test
    void aWrongPinOrWrongCredentialsRegisterNothing() throws Exception {
        remote = new Remote(keystoreA, 0);
        RemoteClusters c = clusters();
        assertThatThrownBy(() -> c.register("east", url(), "watcher", "watchpw", fingerprintOf(keystoreB), "admin"))
                .isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
                    assertThat(e.status).isEqualTo(409);
                    assertThat(e.field).isEqualTo("fingerprint");
                    assertThat(e.getMessage()).contains(fingerprintOf(keystoreA), "nothing was registered");
                });
        assertThat(remote.requests).as("nothing sent over a connection it does not trust").isEmpty();
        assertThatThrownBy(() -> c.register("east", url(), "watcher", "guess", null, "admin"))
                .isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
                    assertThat(e.status).isEqualTo(409);
                    assertThat(e.field).isEqualTo("password");
                    assertThat(e.getMessage()).contains("refused the login of watcher");
                });
        assertThat(c.list()).isEmpty();
        assertThat(etc.resolve("duplex-clusters.json")).doesNotExist();
        // the right pin, given in lower case without colons, is accepted
        String pin = fingerprintOf(keystoreA).replace(":", "").toLowerCase();
        c.register("east", url(), "watcher", "watchpw", PinnedTls.normalise(pin), "admin");
        assertThat(c.list()).hasSize(1);
    }

    @Test
    void healthCountsNodesUpAndGroupsRunningAndFailed() throws Exception {
        remote = new Remote(keystoreA, 0);
        RemoteClusters c = clusters();
        c.register("east", url(), "watcher", "watchpw", null, "admin");
        ClusterHealth h = (ClusterHealth) c.status("east").get("health");
        assertThat(h.quorate()).isTrue();
        assertThat(h.coordinator()).isEqualTo("e1");
        assertThat(h.nodes()).hasSize(3);
        assertThat(h.nodesUp()).isEqualTo(2);
        assertThat(h.groups()).hasSize(4);
        assertThat(h.groupsRunning()).isEqualTo(1);
        assertThat(h.groupsFailed()).isEqualTo(2);
        assertThat(h.groups()).filteredOn(ClusterHealth.Group::failed).extracting(ClusterHealth.Group::id)
                .containsExactly("db", "batch");
        assertThat(h.groups().get(1).why()).containsExactly("pg failed on e2");
        remote.quorate = false;
        assertThat(((ClusterHealth) c.status("east").get("health")).quorate()).isFalse();
    }

    @Test
    void anExpiredTokenIsReplacedByOneLoginAndTheRestReuseIt() throws Exception {
        remote = new Remote(keystoreA, 0);
        RemoteClusters c = clusters();
        c.register("east", url(), "watcher", "watchpw", null, "admin");
        c.status("east");
        assertThat(remote.requests).containsExactly("POST /login", "GET /status", "GET /groups", "GET /status",
                "GET /groups");
        remote.requests.clear();
        remote.token = "t2";
        c.status("east");
        assertThat(remote.requests).containsExactly("GET /status", "POST /login", "GET /status", "GET /groups");
    }

    @Test
    void aChangedCertificateIsRefusedBeforeAnythingIsSent() throws Exception {
        remote = new Remote(keystoreA, 0);
        int port = remote.port();
        RemoteClusters c = clusters();
        c.register("east", url(), "watcher", "watchpw", null, "admin");
        remote.stop();
        remote = new Remote(keystoreB, port);
        assertThatThrownBy(() -> c.status("east")).isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
            assertThat(e.status).isEqualTo(502);
            assertThat(e.field).isEqualTo("fingerprint");
            assertThat(e.getMessage()).contains("certificate changed", fingerprintOf(keystoreA),
                    fingerprintOf(keystoreB), "remove the cluster and register it again");
        });
        assertThat(remote.requests).isEmpty();
        // a fresh instance (a restart) holds the same pin
        assertThatThrownBy(() -> clusters().status("east")).isInstanceOfSatisfying(RemoteClusters.Refused.class,
                e -> assertThat(e.field).isEqualTo("fingerprint"));
        assertThat(remote.requests).isEmpty();
    }

    @Test
    void anUnknownOrUnreachableClusterIsNamed() throws Exception {
        remote = new Remote(keystoreA, 0);
        RemoteClusters c = clusters();
        c.register("east", url(), "watcher", "watchpw", null, "admin");
        remote.stop();
        remote = null;
        assertThatThrownBy(() -> c.status("east")).isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
            assertThat(e.status).isEqualTo(502);
            assertThat(e.field).isEqualTo("cluster");
            assertThat(e.getMessage()).contains("unreachable");
        });
        assertThatThrownBy(() -> c.status("west")).isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> {
            assertThat(e.status).isEqualTo(404);
            assertThat(e.getMessage()).contains("[east]");
        });
        assertThatThrownBy(() -> c.register("west", URI.create("https://127.0.0.1:1"), "a", "b", null, "admin"))
                .isInstanceOfSatisfying(RemoteClusters.Refused.class, e -> assertThat(e.field).isEqualTo("url"));
    }
    static java.util.Set<Thread> threads(String namePart) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(namePart))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Closing (the component deactivated: a bundle update or stop) ends the clients' threads, which would otherwise
     * keep the old bundle's class loader, and refuses later calls with 503.
     */
    @Test
    void closingEndsTheConnectionsThreadsAndRefusesLaterCalls() throws Exception {
        remote = new Remote(keystoreA, 0);
        java.util.Set<Thread> before = threads("");
        RemoteClusters c = clusters();
        c.register("east", url(), "watcher", "watchpw", null, "admin");
        c.status("east");
        java.util.Set<Thread> mine = threads("");
        mine.removeAll(before);
        mine.removeIf(t -> !t.getName().startsWith("duplex-web-remote-") && !t.getName().contains("SelectorManager"));
        assertThat(mine).as("the client's selector and the executor it was given")
                .anyMatch(t -> t.getName().startsWith("duplex-web-remote-"))
                .anyMatch(t -> t.getName().contains("SelectorManager"));
        c.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    System.gc();
                    assertThat(mine).noneMatch(Thread::isAlive);
                });
        assertThatThrownBy(() -> c.status("east")).isInstanceOfSatisfying(RemoteClusters.Refused.class,
                e -> assertThat(e.status).isEqualTo(503));
    }
}
