package org.duplex.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.duplex.api.admin.AuditLog;
import org.duplex.api.admin.ClusterAdmin;
import org.duplex.api.admin.FailoverAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

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

    private transient RestApi api;

    @Activate
    void activate(Map<String, Object> properties) {
        WebConfig c = WebConfig.of(properties, Path.of(System.getProperty("karaf.etc", "etc")));
        Clock clock = Clock.systemUTC();
        api = new RestApi(new JaasAuthenticator("karaf"), new TokenStore(clock, c.tokenTtl(), 10_000),
                new LoginLimiter(clock, c.loginMaxFailures(), c.loginWindow()), () -> cluster, () -> failover,
                () -> audit, clock);
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
                query, req.getHeader("Authorization"), req.getRemoteAddr(), body));
        resp.setStatus(r.status());
        r.headers().forEach(resp::setHeader);
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentType("application/json;charset=utf-8");
        resp.setContentLength(r.body().length);
        resp.getOutputStream().write(r.body());
    }
}
