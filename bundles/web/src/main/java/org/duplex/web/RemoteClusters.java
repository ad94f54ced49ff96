package org.duplex.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The other clusters this node's console watches: registration (the certificate's fingerprint captured and pinned,
 * the credentials tried once), removal, and their health read through this node, so the browser talks to its own
 * node only (no CORS, no second certificate to accept). Only reads are sent to them ({@code POST /login},
 * {@code GET /status}, {@code GET /groups}); each call goes over a connection whose certificate is the pinned one,
 * or nothing is sent (not even the credentials). Each cluster is asked on its own: one that is down or changed its
 * certificate fails its own card only.
 */
public final class RemoteClusters implements AutoCloseable {

    /** A refusal with its HTTP status and the field at fault. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String field;

        Refused(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    private final ClusterRegistry registry;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Per cluster name: its pinned client and the bearer token its node gave (logged in again on a 401). */
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    /**
     * The clients' threads, owned here so that {@link #close} ends them: a client on the JDK's default executor
     * outlived the component, and its threads kept the old bundle's class loader after an update.
     */
    private final ExecutorService executor = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "duplex-web-remote-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private volatile boolean closed;

    private record Connection(String fingerprint, HttpClient client, String[] token) {
    }

    public RemoteClusters(ClusterRegistry registry, Duration timeout, Clock clock) {
        this.registry = registry;
        this.timeout = timeout;
        this.clock = clock;
    }

    public List<RemoteCluster.View> list() {
        return registry.all().stream().map(RemoteCluster::view).toList();
    }

    /**
     * Registers a cluster: connects, captures the certificate's fingerprint (which must equal {@code expected} when
     * given), logs in with the credentials and reads its status over the pinned connection, then stores it. Nothing
     * is stored unless all of that worked.
     */
    public Map<String, Object> register(String name, URI url, String username, String password, String expected,
                                        String by) throws Refused {
        refuseWhenClosed();
        if (registry.find(name).isPresent()) {
            throw new Refused(409, "cluster", "cluster " + name + " is registered already (remove it first to change "
                    + "it)");
        }
        String presented;
        try {
            presented = PinnedTls.capture(url, timeout);
        } catch (IOException e) {
            throw new Refused(409, "url", "cannot reach " + url + " over TLS: " + e + "; nothing was registered");
        }
        if (expected != null && !expected.equals(presented)) {
            throw new Refused(409, "fingerprint", "the server at " + url + " presents a certificate with SHA-256 "
                    + presented + ", not " + expected + ": nothing was registered (a different server, or a "
                    + "certificate changed since you read it)");
        }
        RemoteCluster c = new RemoteCluster(name, url.toString(), username, password, presented, by,
                clock.instant().toString());
        Connection conn = connect(c);
        ClusterHealth health;
        try {
            health = health(c, conn, true);
        } catch (Refused e) {
            throw new Refused(409, e.field == null || e.field.equals("cluster") ? "url" : e.field, e.getMessage()
                    + "; nothing was registered");
        }
        try {
            registry.add(c);
        } catch (IllegalArgumentException e) {
            throw new Refused(409, "cluster", "cluster " + name + " was registered meanwhile (remove it first to "
                    + "change it)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + registry.file() + ": " + e.getMessage(), e);
        }
        connections.put(name, conn);
        return Map.of("cluster", c.view(), "health", health);
    }

    public RemoteCluster.View remove(String name) throws Refused {
        RemoteCluster c = find(name);
        try {
            registry.remove(name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + registry.file() + ": " + e.getMessage(), e);
        }
        connections.remove(name);
        return c.view();
    }

    /** The cluster's health now, asked of its node over the pinned connection. */
    public Map<String, Object> status(String name) throws Refused {
        refuseWhenClosed();
        RemoteCluster c = find(name);
        Connection conn = connections.compute(name, (k, old) -> old != null && old.fingerprint().equals(
                c.fingerprint()) ? old : connect(c));
        return Map.of("cluster", c.view(), "health", health(c, conn, false));
    }

    private void refuseWhenClosed() throws Refused {
        if (closed) {
            throw new Refused(503, "cluster", "the console's cluster connections are closed (the web bundle is "
                    + "stopping); try again once it has restarted");
        }
    }

    private RemoteCluster find(String name) throws Refused {
        return registry.find(name).orElseThrow(() -> new Refused(404, "cluster", "no registered cluster " + name
                + "; registered: " + registry.all().stream().map(RemoteCluster::name).toList()));
    }

    /**
     * Drops every connection and ends their threads (the component is going away); later calls are refused with
     * 503. The JDK ends each client's selector thread once the client is unreachable.
     */
    @Override
    public void close() {
        closed = true;
        connections.clear();
        executor.shutdownNow();
    }

    private Connection connect(RemoteCluster c) {
        if (closed) {
            throw new IllegalStateException("the console's cluster connections are closed (the web bundle is "
                    + "stopping)");
        }
        HttpClient client = HttpClient.newBuilder().sslContext(PinnedTls.pinned(c.fingerprint())).executor(executor)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        return new Connection(c.fingerprint(), client, new String[1]);
    }

    private ClusterHealth health(RemoteCluster c, Connection conn, boolean registering) throws Refused {
        JsonNode status = read(c, conn, "/status", registering);
        JsonNode groups = read(c, conn, "/groups", registering);
        if (!status.isObject() || !status.has("quorate") || !groups.isArray()) {
            throw new Refused(502, "cluster", c.url() + " answered, but not as a Duplex node's /api/v1/status and "
                    + "/groups do");
        }
        return ClusterHealth.of(status, groups);
    }

    /** A GET as the registered user: logs in when there is no token yet, and once more when it expired. */
    private JsonNode read(RemoteCluster c, Connection conn, String path, boolean registering) throws Refused {
        for (int attempt = 0; ; attempt++) {
            String token;
            synchronized (conn) {
                if (conn.token()[0] == null) {
                    conn.token()[0] = login(c, conn);
                }
                token = conn.token()[0];
            }
            HttpResponse<String> r = send(c, conn, HttpRequest.newBuilder(api(c, path)).timeout(timeout)
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build());
            if (r.statusCode() == 401 && attempt == 0) {
                synchronized (conn) {
                    if (token.equals(conn.token()[0])) {
                        conn.token()[0] = null;
                    }
                }
                continue;
            }
            if (r.statusCode() != 200) {
                throw new Refused(502, "cluster", "cluster " + c.name() + " answered GET " + path + " with "
                        + r.statusCode() + ": " + remoteError(r));
            }
            try {
                return json.readTree(r.body());
            } catch (IOException e) {
                throw new Refused(502, "cluster", "cluster " + c.name() + " answered GET " + path + " with no JSON");
            }
        }
    }

    private String login(RemoteCluster c, Connection conn) throws Refused {
        ObjectNode body = json.createObjectNode().put("username", c.username()).put("password", c.password());
        HttpResponse<String> r = send(c, conn, HttpRequest.newBuilder(api(c, "/login")).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build());
        if (r.statusCode() != 200) {
            throw new Refused(r.statusCode() == 401 || r.statusCode() == 403 ? 409 : 502,
                    r.statusCode() == 401 || r.statusCode() == 403 ? "password" : "cluster",
                    "cluster " + c.name() + " refused the login of " + c.username() + ": " + r.statusCode() + " "
                            + remoteError(r));
        }
        try {
            JsonNode t = json.readTree(r.body()).get("token");
            if (t == null || !t.isTextual()) {
                throw new IOException("no token");
            }
            return t.asText();
        } catch (IOException e) {
            throw new Refused(502, "cluster", c.url() + " answered POST /api/v1/login, but not as a Duplex node does");
        }
    }

    private HttpResponse<String> send(RemoteCluster c, Connection conn, HttpRequest request) throws Refused {
        try {
            return conn.client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(502, "cluster", "interrupted while asking cluster " + c.name());
        } catch (IOException e) {
            PinnedTls.PinMismatch pin = pinMismatch(e);
            if (pin != null) {
                throw new Refused(502, "fingerprint", "cluster " + c.name() + " at " + c.url() + ": " + pin.getMessage()
                        + "; nothing was sent to it. If the new certificate is expected, remove the cluster and "
                        + "register it again");
            }
            throw new Refused(502, "cluster", "cluster " + c.name() + " at " + c.url() + " is unreachable: " + e);
        }
    }

    private static PinnedTls.PinMismatch pinMismatch(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PinnedTls.PinMismatch p) {
                return p;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof PinnedTls.PinMismatch p) {
                    return p;
                }
            }
        }
        return null;
    }

    private String remoteError(HttpResponse<String> r) {
        try {
            JsonNode e = json.readTree(r.body()).get("error");
            if (e != null && e.isTextual()) {
                return e.asText();
            }
        } catch (IOException e) {
            // not JSON: say so below
        }
        String b = r.body() == null ? "" : r.body();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    private static URI api(RemoteCluster c, String path) {
        return URI.create(c.url() + "/api/v1" + path);
    }
}
