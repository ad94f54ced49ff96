package org.duplex.plugin.app.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.app.check.Deadline;
import org.duplex.plugin.app.check.Params;

/**
 * An HTTP(S) endpoint answers with an expected status ({@code status}, default 200-399) and, optionally, a body
 * that contains {@code expect} or matches {@code expect-regex}. Redirects are not followed: a 3xx is the answer.
 * {@code insecure=true} accepts any certificate and host name (self-signed TLS on a service's own port).
 * Free of OSGi so unit tests drive it directly.
 */
public final class HttpCheck {

    static final List<String> KNOWN = List.of("url", "method", "status", "expect", "expect-regex", "insecure");
    /** At most this much of a body is read (and searched). */
    static final int MAX_BODY = 256 * 1024;

    /** The validated parameters. */
    record Probe(URI url, String method, StatusSet status, String expect, Pattern expectRegex, boolean insecure) {
    }

    private HttpClient verifying;
    private HttpClient trusting;

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Probe parse(Map<String, String> params, List<String> problems) {
        URI url = null;
        String u = Params.required(params, "url", "http:// or https://, for example url=http://127.0.0.1:8080/health",
                problems);
        if (u != null) {
            try {
                url = new URI(u);
                String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    problems.add("url: '" + u + "' is not http:// or https://");
                    url = null;
                } else if (url.getHost() == null) {
                    problems.add("url: '" + u + "' has no host");
                    url = null;
                } else {
                    HttpRequest.newBuilder(url); // the client's own rules (no user info, ...)
                }
            } catch (java.net.URISyntaxException e) {
                problems.add("url: '" + u + "' is not a URL: " + e.getReason());
            } catch (IllegalArgumentException e) {
                problems.add("url: '" + u + "' cannot be requested: " + e.getMessage());
                url = null;
            }
        }
        String method = params.getOrDefault("method", "GET").trim().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            problems.add("method: '" + params.get("method") + "' is not GET or HEAD");
        }
        StatusSet status = StatusSet.DEFAULT;
        if (params.containsKey("status")) {
            try {
                status = StatusSet.parse(params.get("status"));
            } catch (IllegalArgumentException e) {
                problems.add("status: " + e.getMessage());
            }
        }
        String expect = params.get("expect");
        if (expect != null && expect.isEmpty()) {
            problems.add("expect: empty (leave it out to accept any body)");
        }
        Pattern regex = null;
        if (params.containsKey("expect-regex")) {
            try {
                regex = Pattern.compile(params.get("expect-regex"));
            } catch (PatternSyntaxException e) {
                problems.add("expect-regex: '" + params.get("expect-regex") + "' is not a regular expression: "
                        + e.getDescription());
            }
        }
        if (method.equals("HEAD") && (expect != null || params.containsKey("expect-regex"))) {
            problems.add((expect != null ? "expect" : "expect-regex")
                    + ": a HEAD answer has no body (use method=GET)");
        }
        boolean insecure = Params.bool(params, "insecure", false, problems);
        Params.noOthers(params, "http", KNOWN, problems);
        return problems.isEmpty() ? new Probe(url, method, status, expect, regex, insecure) : null;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) {
        Deadline deadline = Deadline.of(timeout);
        List<String> problems = new ArrayList<>();
        Probe p = parse(params, problems);
        if (p == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        HttpClient client;
        try {
            client = client(p.insecure());
        } catch (GeneralSecurityException e) {
            return HealthStatus.unknown("cannot set up TLS: " + Params.describe(e), deadline.elapsed());
        }
        HttpRequest request = HttpRequest.newBuilder(p.url())
                .method(p.method(), HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofMillis(deadline.remainingMillis()))
                .header("User-Agent", "Duplex-monitor")
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> new CappedBody(MAX_BODY));
        HttpResponse<byte[]> response;
        try {
            response = answer.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return noAnswer(p, deadline);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return HealthStatus.unknown("check of " + p.url() + " interrupted", deadline.elapsed());
        } catch (ExecutionException e) {
            return failed(p, e.getCause(), deadline);
        }
        String took = Deadline.millis(deadline.elapsed());
        String answered = p.url() + " answered " + response.statusCode() + " in " + took;
        if (!p.status().contains(response.statusCode())) {
            return HealthStatus.unhealthy(answered + " (expected " + p.status().text() + ")", deadline.elapsed());
        }
        if (p.expect() != null || p.expectRegex() != null) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            String starts = " (body starts '" + Params.excerpt(body, 80) + "')";
            if (p.expect() != null && !body.contains(p.expect())) {
                return HealthStatus.unhealthy(answered + " without '" + p.expect() + "' in the body" + starts,
                        deadline.elapsed());
            }
            if (p.expectRegex() != null && !p.expectRegex().matcher(body).find()) {
                return HealthStatus.unhealthy(answered + ", the body does not match /" + p.expectRegex() + "/"
                        + starts, deadline.elapsed());
            }
        }
        return HealthStatus.healthy(answered, deadline.elapsed());
    }

    private static HealthStatus noAnswer(Probe p, Deadline deadline) {
        return HealthStatus.unhealthy("no answer from " + p.url() + " within " + deadline.budgetMillis() + " ms",
                deadline.elapsed());
    }

    private static HealthStatus failed(Probe p, Throwable cause, Deadline deadline) {
        if (cause instanceof HttpTimeoutException) {
            return noAnswer(p, deadline);
        }
        if (cause instanceof SSLException) {
            return HealthStatus.unhealthy("TLS with " + p.url() + " failed: " + Params.excerpt(Params.describe(cause),
                    160) + (p.insecure() ? "" : " (insecure=true accepts a self-signed certificate)"),
                    deadline.elapsed());
        }
        if (cause instanceof ConnectException) {
            // the JDK client's ConnectException carries no message (its cause is a ClosedChannelException)
            String why = cause.getMessage() != null ? cause.getMessage() : "connection refused or unreachable";
            return HealthStatus.unhealthy("cannot connect to " + p.url() + ": " + why, deadline.elapsed());
        }
        if (cause instanceof IOException) {
            return HealthStatus.unhealthy(p.url() + ": " + Params.describe(cause), deadline.elapsed());
        }
        return HealthStatus.unknown("check of " + p.url() + " failed: " + Params.describe(cause), deadline.elapsed());
    }

    /** One client per trust mode, kept for the connection pool; timeouts are per request. */
    private synchronized HttpClient client(boolean insecure) throws GeneralSecurityException {
        if (insecure) {
            if (trusting == null) {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {new TrustAnything()}, null);
                trusting = builder().sslContext(tls).build();
            }
            return trusting;
        }
        if (verifying == null) {
            verifying = builder().build();
        }
        return verifying;
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
    }

    /**
     * Accepts every certificate. An <em>extended</em> trust manager, because JSSE then leaves the host name check
     * to it as well; a plain X509TrustManager is wrapped and the host name is still verified.
     */
    private static final class TrustAnything extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
