package org.duplex.itests.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.duplex.itests.DuplexContainer;
import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * Several clusters in one console, on two real distributions started as an operator starts them (bin/start), each
 * a cluster of its own ("west" and "east", their own cluster, SSH, JMX and HTTPS ports): an admin of west
 * registers east over REST (a wrong pin refused naming fingerprint, then trusted on first use with east's real
 * certificate pinned), west's clusters file is 0600 and the password never comes back; west reads east's health
 * (quorum, nodes up, groups) for the console, whose Clusters tab shows east's card in English and Chinese. Then east
 * gets a new certificate (a keystore of its own installed as README says, then a restart): west refuses it with a
 * clear message, on the API and on the card. Screenshots in target/console-screenshots/clusters/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClustersConsoleIT {

    private static final String ADMIN_PASSWORD = "clusters-it-admin-1";
    private static final String WATCHER_PASSWORD = "clusters-it-watcher-1";
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

    private DistributionNode west;
    private DistributionNode east;
    private String westBase;
    private String eastUrl;
    private ConsoleBrowser b;
    private Path shots;

    @BeforeAll
    void setUp() throws Exception {
        ConsoleBrowser.requireChromium("ClustersConsoleIT");
        Path workDir = Paths.get(DuplexContainer.required("duplex.workDir"));
        Path work = workDir.resolve("clusters");
        shots = workDir.getParent().resolve("console-screenshots").resolve("clusters");
        Path assembly = Paths.get(DuplexContainer.required("duplex.assembly"));
        west = node(assembly, work.resolve("west"), "west", "west1");
        east = node(assembly, work.resolve("east"), "east", "east1");
        westBase = "https://localhost:" + port(west);
        eastUrl = "https://127.0.0.1:" + port(east);
        assertThat(west.start().exitCode()).isZero();
        assertThat(east.start().exitCode()).isZero();
        ConsoleIT.passwd(west.home(), "admin", "ada", ADMIN_PASSWORD);
        ConsoleIT.passwd(east.home(), "viewer", "watcher", WATCHER_PASSWORD);
        for (DistributionNode n : new DistributionNode[] {west, east}) {
            await("quorum").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> n.client("ha:status").output().contains("Quorum:      yes"));
            await("the generated keystore").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> fingerprint(n) != null);
        }
        b = new ConsoleBrowser(work, shots);
    }

    private static DistributionNode node(Path assembly, Path dir, String cluster, String id) throws Exception {
        DistributionNode n = DistributionNode.unpack(assembly, dir);
        n.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
        n.setProperty("etc/org.duplex.cluster.cfg", "cluster.name", cluster);
        n.setProperty("etc/org.duplex.cluster.cfg", "node.id", id);
        n.setProperty("etc/org.duplex.cluster.cfg", "members", id + "@127.0.0.1:" + DuplexContainer.freePort());
        n.setProperty("etc/org.duplex.heartbeat.cfg", "node.id", id);
        n.setProperty("etc/org.duplex.heartbeat.cfg", "cluster.name", cluster);
        return n;
    }

    private static String port(DistributionNode n) throws Exception {
        Properties web = new Properties();
        try (var in = Files.newInputStream(n.home().resolve("etc/org.duplex.web.cfg"))) {
            web.load(in);
        }
        return web.getProperty("port.https").strip();
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (b != null) {
                b.close();
            }
        } finally {
            for (DistributionNode n : new DistributionNode[] {west, east}) {
                if (n != null) {
                    try {
                        n.stop();
                        await("bin/stop").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                                .until(() -> !n.isRunning());
                    } finally {
                        n.kill();
                    }
                }
            }
        }
    }

    /** SHA-256 of the node's own certificate, read from its keystore as `keytool -list` would. */
    private static String fingerprint(DistributionNode n) throws Exception {
        KeyStore ks = keystore(n);
        Certificate c = ks.getCertificate(ks.aliases().nextElement());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(c.getEncoded()));
    }

    private static KeyStore keystore(DistributionNode n) throws Exception {
        char[] pw = Files.readString(n.home().resolve("etc/duplex-web.p12.password")).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(n.home().resolve("etc/duplex-web.p12"))) {
            ks.load(in, pw);
        }
        return ks;
    }

    /** A client trusting west's certificate (this test talks to west only; west talks to east). */
    private HttpClient westClient() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keystore(west));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> call(HttpClient client, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(westBase + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void westWatchesEastWithItsCertificatePinned() throws Exception {
        HttpClient client = westClient();
        HttpResponse<String> login = call(client, "POST", "/login", null, "{\"username\":\"ada\",\"password\":\""
                + ADMIN_PASSWORD + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        Matcher m = TOKEN.matcher(login.body());
        assertThat(m.find()).isTrue();
        String ada = m.group(1);
        String eastPin = fingerprint(east);

        // A wrong pin: refused naming the field and what east really presents; nothing registered.
        String wrong = "AA" + ":00".repeat(31);
        HttpResponse<String> refused = call(client, "POST", "/clusters/east/add", ada, "{\"url\":\"" + eastUrl
                + "\",\"username\":\"watcher\",\"password\":\"" + WATCHER_PASSWORD + "\",\"fingerprint\":\"" + wrong
                + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("\"field\":\"fingerprint\"", eastPin, "nothing was registered");
        assertThat(call(client, "GET", "/clusters", ada, null).body()).isEqualTo("{\"clusters\":[]}");
        assertThat(west.home().resolve("etc/duplex-clusters.json")).doesNotExist();

        // The right one (east's own certificate, given as keytool prints it): registered, east's health read.
        HttpResponse<String> added = call(client, "POST", "/clusters/east/add", ada, "{\"url\":\"" + eastUrl
                + "\",\"username\":\"watcher\",\"password\":\"" + WATCHER_PASSWORD + "\",\"fingerprint\":\""
                + eastPin + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains("\"fingerprint\":\"" + eastPin + "\"", "\"clusterName\":\"east\"",
                "\"quorate\":true").doesNotContain(WATCHER_PASSWORD);
        Path file = west.home().resolve("etc/duplex-clusters.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).contains(WATCHER_PASSWORD);
        assertThat(call(client, "GET", "/clusters", ada, null).body()).contains("\"name\":\"east\"", eastPin)
                .doesNotContain(WATCHER_PASSWORD);
        HttpResponse<String> status = call(client, "GET", "/clusters/east/status", ada, null);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(status.body()).contains("\"answeredBy\":\"east1\"", "\"nodesUp\":1", "\"groupsFailed\":0");

        // The console of west shows east's card, in English and in Chinese.
        b.open(westBase + "/");
        b.waitVisible("login-view");
        b.login("ada", ADMIN_PASSWORD);
        b.waitVisible("app-view");
        b.click(By.cssSelector(".tab[data-tab='clusters']"));
        By card = By.cssSelector(".cluster-card[data-cluster='east']");
        b.waitContains(card, "1 of 1 nodes up");
        assertThat(b.text(card)).contains("quorum", "0 failed", "answered by east1", eastPin, eastUrl);
        assertThat(b.displayed(By.id("cluster-add-form"))).isTrue();
        b.shot("01-east-card");
        b.language("zh");
        b.waitContains(card, "1 个节点中 1 个在线");
        b.shot("02-east-card-zh");
        b.language("en");
        b.waitContains(card, "1 of 1 nodes up");

        // East gets a new certificate, as an operator installs one (README: a PKCS12 keystore at the keystore path
        // and its password in duplex-web.p12.password, then a restart): west refuses it, saying so.
        // (with the keystore password east's pax-web configuration already holds: a new password makes pax-web's
        // first start at boot fail on the keystore, and its retry with the new one then finds its own port still bound)
        Path fresh = east.home().resolve("new-certificate.p12");
        String storePassword = Files.readString(east.home().resolve("etc/duplex-web.p12.password")).strip();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "duplex", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", fresh.toString(), "-storepass", storePassword, "-keypass", storePassword)
                .redirectErrorStream(true).start();
        String keytoolOut = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(keytoolOut).isZero();
        east.stop();
        await("east stopped").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !east.isRunning());
        Files.move(fresh, east.home().resolve("etc/duplex-web.p12"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(east.start().exitCode()).isZero();
        String newPin = fingerprint(east);
        assertThat(newPin).isNotEqualTo(eastPin);
        String[] last = {""};
        await("west refuses east's new certificate").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .conditionEvaluationListener(c -> System.out.println("ClustersConsoleIT: west says " + last[0]))
                .until(() -> (last[0] = call(client, "GET", "/clusters/east/status", ada, null).body())
                        .contains("\"field\":\"fingerprint\""));
        HttpResponse<String> changed = call(client, "GET", "/clusters/east/status", ada, null);
        assertThat(changed.statusCode()).isEqualTo(502);
        assertThat(changed.body()).contains("certificate changed", eastPin, newPin, "nothing was sent");
        b.waitContains(card, "certificate changed: refused");
        assertThat(b.text(card)).contains(newPin);
        b.shot("03-certificate-changed");

        String audit = Files.readString(west.home().resolve("data/duplex/audit.log"));
        assertThat(audit).contains("cluster-add", "cluster=east url=" + eastUrl).doesNotContain(WATCHER_PASSWORD);
    }
}
