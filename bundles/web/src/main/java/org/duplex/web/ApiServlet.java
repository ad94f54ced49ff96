package org.duplex.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.duplex.api.admin.AuditLog;
import org.duplex.api.admin.ClusterAdmin;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.metrics.MetricsSource;
import org.duplex.api.mirror.MirrorAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Thin DS wiring: {@link RestApi} as a servlet on the HTTP whiteboard at {@code /api/v1/*}. The admin services are
 * optional and dynamic: without them the API answers 503 saying which is missing, instead of disappearing.
 */
@Component(service = Servlet.class, configurationPid = WebConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=/api/v1/*", "osgi.http.whiteboard.servlet.name=duplex-rest"})
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ClusterAdmin cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FailoverAdmin failover;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuditLog audit;

    // plug-ins, monitors, backups (PlatformRoutes); the backup plug-in is optional, so is its service
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile org.duplex.api.admin.PluginAdmin plugins;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile org.duplex.api.admin.MonitorAdmin monitors;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile org.duplex.api.admin.BackupAdmin backups;
    /** Only with the duplex-mirror feature. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile MirrorAdmin mirror;

    /** How long a registered cluster may take to connect, and to answer each request. */
    private static final java.time.Duration REMOTE_TIMEOUT = java.time.Duration.ofSeconds(5);

    private transient RestApi api;
    private transient RemoteClusters remote;

    private final transient MetricsPage page = new MetricsPage();

    /** Registered metrics sources by service id (any bundle or plug-in may register one). */
    private final transient Map<Long, MetricsPage.Named> sources = new ConcurrentSkipListMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSource(MetricsSource source, Map<String, Object> props) {
        Object id = props.get("service.id");
        Object name = props.get(MetricsSource.NAME_PROPERTY);
        String n = name == null ? source.getClass().getName() : name.toString();
        sources.put(id instanceof Long l ? l : (long) System.identityHashCode(source), new MetricsPage.Named(n, source));
    }

    void removeSource(MetricsSource source, Map<String, Object> props) {
        sources.values().removeIf(s -> s.source() == source);
    }

    /** The sources in a stable order (by name), a name used twice told apart by a number. */
    private List<MetricsPage.Named> sources() {
        List<MetricsPage.Named> all = new ArrayList<>(sources.values());
        all.sort(Comparator.comparing(MetricsPage.Named::name));
        Map<String, Integer> seen = new HashMap<>();
        List<MetricsPage.Named> out = new ArrayList<>(all.size());
        for (MetricsPage.Named s : all) {
            int k = seen.merge(s.name(), 1, Integer::sum);
            out.add(k == 1 ? s : new MetricsPage.Named(s.name() + "#" + k, s.source()));
        }
        return out;
    }

    @Activate
    void activate(Map<String, Object> properties) {
        WebConfig c = WebConfig.of(properties, Path.of(System.getProperty("karaf.etc", "etc")));
        Clock clock = Clock.systemUTC();
        api = new RestApi(new JaasAuthenticator("karaf"), new TokenStore(clock, c.tokenTtl(), 10_000),
                new LoginLimiter(clock, c.loginMaxFailures(), c.loginWindow()), () -> cluster, () -> failover,
                () -> audit, () -> page.render(sources()), clock);
        api.platform(() -> plugins, () -> monitors, () -> backups);

        api.withMirror(() -> mirror);
        remote = new RemoteClusters(new ClusterRegistry(c.clustersFile()), REMOTE_TIMEOUT, clock);
        api.withClusters(remote);
    }

    @Deactivate
    void deactivate() {
        if (remote != null) {
            remote.close();
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(RestApi.MAX_BODY + 1);
        }
        Map<String, String> query = new HashMap<>();
        String q = req.getQueryString();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.putIfAbsent(k, v);
                } catch (IllegalArgumentException e) {
                    query.putIfAbsent("(malformed)", pair);
                }
            }
        }
        ApiResponse r = api.handle(new ApiRequest(req.getMethod(), req.getPathInfo() == null ? "/" : req.getPathInfo(),
                query, req.getHeader("Authorization"), req.getRemoteAddr(), body,
                req.getHeader(Confirmations.HEADER)));
        resp.setStatus(r.status());
        r.headers().forEach((k, v) -> {
            if (!k.equals("Content-Type")) {
                resp.setHeader(k, v);
            }
        });
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentType(r.headers().getOrDefault("Content-Type", "application/json;charset=utf-8"));
        resp.setContentLength(r.body().length);
        resp.getOutputStream().write(r.body());
    }
}
