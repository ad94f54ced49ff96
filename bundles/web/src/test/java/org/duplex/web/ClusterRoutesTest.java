package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /clusters routes over the REST handler: roles, input checks naming the field, audit without the secret. */
class ClusterRoutesTest {

    @TempDir
    static Path keys;
    static Path keystore;

    @TempDir
    Path etc;

    private final Fixture f = new Fixture();
    private RemoteClustersTest.Remote remote;

    @BeforeAll
    static void keystore() throws Exception {
        keystore = keys.resolve("remote.p12");
        Keystores.ensure(keystore, "localhost", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (remote != null) {
            remote.stop();
        }
    }

    private String body(String url, String extra) {
        return "{\"url\":\"" + url + "\",\"username\":\"watcher\",\"password\":\"watchpw\"" + extra + "}";
    }

    @Test
    void anAdminRegistersAViewerWatchesNobodySeesThePassword() throws Exception {
        remote = new RemoteClustersTest.Remote(keystore, 0);
        f.api.withClusters(new RemoteClusters(new ClusterRegistry(etc.resolve("c.json")), Duration.ofSeconds(5),
                f.clock));
        String url = "https://127.0.0.1:" + remote.port();
        String olga = f.login("olga");
        ApiResponse denied = f.call("POST", "/clusters/east/add", olga, body(url, ""));
        assertThat(denied.status()).isEqualTo(403);
        AuditEntry deniedEntry = f.audit.get(f.audit.size() - 1);
        assertThat(deniedEntry.operation()).isEqualTo("cluster-add");
        assertThat(deniedEntry.success()).isFalse();
        assertThat(remote.requests).isEmpty();

        String admin = f.login("admin");
        ApiResponse added = f.call("POST", "/clusters/east/add", admin, body(url + "/", ""));
        assertThat(added.status()).as(added.text()).isEqualTo(200);
        String pin = RemoteClustersTest.fingerprintOf(keystore);
        assertThat(Fixture.json(added).at("/cluster/fingerprint").asText()).isEqualTo(pin);
        assertThat(Fixture.json(added).at("/cluster/url").asText()).isEqualTo(url);
        assertThat(Fixture.json(added).at("/health/groupsFailed").asInt()).isEqualTo(2);
        assertThat(added.text()).doesNotContain("watchpw");
        AuditEntry entry = f.audit.get(f.audit.size() - 1);
        assertThat(entry.arguments()).isEqualTo("cluster=east url=" + url + " username=watcher");
        assertThat(entry.success()).isTrue();
        assertThat(f.audit).noneMatch(e -> (e.arguments() + e.result()).contains("watchpw"));

        String vera = f.login("vera");
        ApiResponse list = f.call("GET", "/clusters", vera, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.text()).contains("\"name\":\"east\"", pin).doesNotContain("watchpw");
        ApiResponse status = f.call("GET", "/clusters/east/status", vera, null);
        assertThat(status.status()).as(status.text()).isEqualTo(200);
        assertThat(Fixture.json(status).at("/health/nodesUp").asInt()).isEqualTo(2);
        assertThat(Fixture.json(status).at("/health/quorate").asBoolean()).isTrue();
        assertThat(f.call("GET", "/clusters/west/status", vera, null).status()).isEqualTo(404);
        assertThat(f.call("POST", "/clusters/east/remove", vera, "").status()).isEqualTo(403);
        assertThat(f.call("POST", "/clusters/east/remove", admin, "").status()).isEqualTo(200);
        assertThat(f.call("GET", "/clusters", vera, null).text()).isEqualTo("{\"clusters\":[]}");
        assertThat(f.call("POST", "/clusters/east/remove", admin, "").status()).isEqualTo(404);
    }

    @Test
    void badInputIsRefusedNamingTheFieldBeforeAnyConnection() throws Exception {
        remote = new RemoteClustersTest.Remote(keystore, 0);
        f.api.withClusters(new RemoteClusters(new ClusterRegistry(etc.resolve("c.json")), Duration.ofSeconds(5),
                f.clock));
        String url = "https://127.0.0.1:" + remote.port();
        String admin = f.login("admin");
        String[][] cases = {
            {"{\"username\":\"w\",\"password\":\"p\"}", "url"},
            {body("http://127.0.0.1:" + remote.port(), ""), "url"},
            {body(url + "/api/v1", ""), "url"},
            {body("https://user@127.0.0.1:" + remote.port(), ""), "url"},
            {body(url + "?x=1", ""), "url"},
            {body("not a url", ""), "url"},
            {"{\"url\":\"" + url + "\",\"password\":\"p\"}", "username"},
            {"{\"url\":\"" + url + "\",\"username\":\" \",\"password\":\"p\"}", "username"},
            {"{\"url\":\"" + url + "\",\"username\":\"w\"}", "password"},
            {"{\"url\":\"" + url + "\",\"username\":\"w\",\"password\":5}", "password"},
            {body(url, ",\"fingerprint\":\"AB:CD\""), "fingerprint"},
            {body(url, ",\"pin\":\"x\""), "pin"},
        };
        for (String[] c : cases) {
            ApiResponse r = f.call("POST", "/clusters/east/add", admin, c[0]);
            assertThat(r.status()).as(c[0] + " " + r.text()).isEqualTo(400);
            assertThat(Fixture.json(r).get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(f.call("POST", "/clusters/bad..name!/add", admin, body(url, "")).status()).isEqualTo(400);
        assertThat(remote.requests).isEmpty();
        assertThat(etc.resolve("c.json")).doesNotExist();
        // a wrong pin: refused naming the field, with what the server presents, nothing stored
        String wrong = "AA" + ":00".repeat(31);
        ApiResponse pinned = f.call("POST", "/clusters/east/add", admin, body(url, ",\"fingerprint\":\"" + wrong
                + "\""));
        assertThat(pinned.status()).isEqualTo(409);
        assertThat(Fixture.json(pinned).get("field").asText()).isEqualTo("fingerprint");
        assertThat(Fixture.json(pinned).get("error").asText()).contains(RemoteClustersTest.fingerprintOf(keystore));
        assertThat(f.audit.get(f.audit.size() - 1).result()).startsWith("409");
        assertThat(Files.exists(etc.resolve("c.json"))).isFalse();
    }

    @Test
    void anUnreadableClustersFileIsA503NamingIt() throws Exception {
        Files.writeString(f.clustersFile, "{not json");
        String vera = f.login("vera");
        ApiResponse r = f.call("GET", "/clusters", vera, null);
        assertThat(r.status()).isEqualTo(503);
        assertThat(Fixture.json(r).get("error").asText()).contains(f.clustersFile.toString(), "cannot be read");
    }
}
