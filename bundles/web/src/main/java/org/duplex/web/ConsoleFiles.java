package org.duplex.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web console's static files (plain ES modules, CSS, the two language bundles), served from this bundle's
 * resources under {@code /console/}. No servlet type here ({@link ConsoleServlet} adapts), so the rules are tested
 * without a container: only known file kinds, no path that climbs out of the folder, and security headers that
 * allow scripts, styles and fetches from this node only.
 */
public final class ConsoleFiles {

    /** Where the files live in the bundle. */
    static final String ROOT = "/org/duplex/web/console/";

    /** The console's own page sends no inline script or style and talks to this origin only. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Pattern SAFE = Pattern.compile("(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.[a-z]+");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "json", "application/json;charset=utf-8",
            "svg", "image/svg+xml");

    private ConsoleFiles() {
    }

    /** One answer: status, content type, extra headers, body. */
    public record Answer(int status, String contentType, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The answer to a GET of {@code path}, the request path from the context root ({@code /}, {@code /console},
     * {@code /console/js/app.js}, ...).
     */
    public static Answer get(String path) {
        if (path == null || path.isEmpty() || path.equals("/") || path.equals("/console")) {
            return new Answer(302, "text/plain;charset=utf-8", Map.of("Location", "/console/"), new byte[0]);
        }
        if (!path.startsWith("/console/")) {
            return notFound();
        }
        String file = path.substring("/console/".length());
        if (file.isEmpty()) {
            file = "index.html";
        }
        if (!SAFE.matcher(file).matches() || file.contains("..")) {
            return notFound();
        }
        String ext = file.substring(file.lastIndexOf('.') + 1);
        String type = TYPES.get(ext);
        Optional<byte[]> body = read(ROOT + file);
        if (type == null || body.isEmpty()) {
            return notFound();
        }
        return new Answer(200, type, Map.of("Content-Security-Policy", CSP, "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer", "X-Frame-Options", "DENY", "Cache-Control", "no-cache"),
                body.get());
    }

    static Optional<byte[]> read(String resource) {
        try (InputStream in = ConsoleFiles.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer notFound() {
        return new Answer(404, "text/plain;charset=utf-8", Map.of("X-Content-Type-Options", "nosniff"),
                "not found\n".getBytes(StandardCharsets.UTF_8));
    }
}
