package org.duplex.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.web.RestApi.ApiError;
import org.duplex.web.RestApi.Route;

/**
 * The routes of several clusters in one console ({@link RemoteClusters}): listing and reading their health is a
 * viewer's, registering and removing an admin's (audited, the password never). Input is checked whole before any
 * connection is made.
 */
final class ClusterRoutes {

    static final String PREFIX = "/clusters";

    static final Route LIST = new Route("GET", "/clusters", Role.VIEWER, false);
    static final Route ADD = new Route("POST", "/clusters/{cluster}/add", Role.ADMIN, true);
    static final Route REMOVE = new Route("POST", "/clusters/{cluster}/remove", Role.ADMIN, true);
    static final Route STATUS = new Route("GET", "/clusters/{cluster}/status", Role.VIEWER, false);

    static final List<Route> ROUTES = List.of(LIST, ADD, REMOVE, STATUS);

    private final RestApi api;
    private final Supplier<RemoteClusters> clusters;

    ClusterRoutes(RestApi api, Supplier<RemoteClusters> clusters) {
        this.api = api;
        this.clusters = clusters;
    }

    static boolean handles(Route route) {
        return ROUTES.contains(route);
    }

    static String operation(Route route) {
        return route.equals(ADD) ? "cluster-add" : route.equals(REMOVE) ? "cluster-remove" : null;
    }

    private RemoteClusters clusters() throws ApiError {
        RemoteClusters c = clusters.get();
        if (c == null) {
            throw new ApiError(503, null, "registered clusters are not available on this node");
        }
        return c;
    }

    ApiResponse handle(Route route, String name, TokenStore.Session session, ApiRequest r) throws ApiError {
        if (route.equals(LIST)) {
            RemoteClusters c = clusters();
            return api.ok(call(() -> Map.of("clusters", c.list())));
        }
        if (route.equals(STATUS)) {
            return api.ok(call(() -> clusters().status(name)));
        }
        if (route.equals(REMOVE)) {
            api.object(r, Set.of());
            return audited(session, r, "cluster-remove", "cluster=" + name, () -> Map.of("removed",
                    clusters().remove(name)));
        }
        JsonNode body = api.object(r, Set.of("url", "username", "password", "fingerprint"));
        String url = RestApi.text(body, "url", true, 512);
        URI uri = url(url);
        String username = RestApi.text(body, "username", true, 256);
        if (username.isBlank()) {
            throw new ApiError(400, "username", "username must not be empty");
        }
        String password = RestApi.text(body, "password", true, 1024);
        String given = RestApi.text(body, "fingerprint", false, 128);
        String fingerprint = null;
        if (given != null) {
            fingerprint = PinnedTls.normalise(given);
            if (fingerprint == null) {
                throw new ApiError(400, "fingerprint", "fingerprint must be the certificate's SHA-256 as 32 hex pairs "
                        + "(AB:CD:... or abcd...), not '" + (given.length() > 40 ? given.substring(0, 40) + "..."
                        : given) + "'");
            }
        }
        String pin = fingerprint;
        String args = "cluster=" + name + " url=" + uri + " username=" + username
                + (pin == null ? "" : " fingerprint=" + pin);
        RemoteClusters c = clusters();
        return audited(session, r, "cluster-add", args, () -> c.register(name, uri, username, password, pin,
                session.user()));
    }

    /** {@code https://HOST[:PORT]} and nothing else (a trailing / is dropped). */
    static URI url(String url) throws ApiError {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ApiError(400, "url", "url is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            throw new ApiError(400, "url", "url must start with https:// (a Duplex node serves its API over HTTPS "
                    + "only), not '" + url + "'");
        }
        if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                || u.getRawFragment() != null || !(u.getRawPath() == null || u.getRawPath().isEmpty()
                || u.getRawPath().equals("/"))) {
            throw new ApiError(400, "url", "url must be https://HOST or https://HOST:PORT of one of the cluster's "
                    + "nodes, without path, user, query or fragment, not '" + url + "'");
        }
        return URI.create("https://" + (u.getHost().contains(":") && !u.getHost().startsWith("[")
                ? "[" + u.getHost() + "]" : u.getHost()) + (u.getPort() < 0 ? "" : ":" + u.getPort()));
    }

    @FunctionalInterface
    interface RemoteCall<T> {
        T get() throws RemoteClusters.Refused, ApiError;
    }

    private <T> T call(RemoteCall<T> c) throws ApiError {
        try {
            return c.get();
        } catch (RemoteClusters.Refused e) {
            throw new ApiError(e.status, e.field, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(503, null, e.getMessage());
        }
    }

    private ApiResponse audited(TokenStore.Session s, ApiRequest r, String operation, String args,
                                RemoteCall<Object> c) throws ApiError {
        try {
            Object result = call(c);
            api.record(s.user(), r, operation, args, true, "ok");
            return api.ok(result);
        } catch (ApiError e) {
            api.record(s.user(), r, operation, args, false, e.status + ": " + e.getMessage());
            throw e;
        }
    }
}
