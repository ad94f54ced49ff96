package org.duplex.plugin.vmware;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom to reach a vCenter or ESXi host: the same keys in a resource's, a monitor's and a fencing
 * device's parameters.
 *
 * <ul>
 *   <li>{@code url}: {@code https://vcenter.example.com} or {@code .../sdk} (the path defaults to {@code /sdk});</li>
 *   <li>{@code user}: the vSphere user ({@code duplex@vsphere.local});</li>
 *   <li>{@code password-file}: absolute path of an owner-only (0600/0400) file whose first line is the password;
 *       read at each login, never logged;</li>
 *   <li>{@code thumbprint}: the SHA-256 thumbprint of the endpoint's certificate; only that certificate is
 *       accepted. Without it the JDK's trust store and host name check apply (a CA-signed vCenter);</li>
 *   <li>{@code insecure = true}: accept any certificate (labs only; logged as a warning at every new session);
 *       also what allows a plain {@code http://} URL.</li>
 * </ul>
 *
 * @param url          the SDK URL
 * @param user         the user name
 * @param passwordFile the password file
 * @param thumbprint   the pinned certificate, if any
 * @param insecure     any certificate is accepted
 */
public record Endpoint(URI url, String user, Path passwordFile, Optional<Thumbprint> thumbprint, boolean insecure) {

    public static final String URL = "url";
    public static final String USER = "user";
    public static final String PASSWORD_FILE = "password-file";
    public static final String THUMBPRINT = "thumbprint";
    public static final String INSECURE = "insecure";

    public Endpoint {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(thumbprint, "thumbprint");
    }

    /** Host and port, for reasons: "vcenter.example.com:443". */
    public String where() {
        return url.getHost() + ":" + (url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80);
    }

    /** Reads the endpoint keys from {@code params}; every problem goes to {@code problems}, naming its key. */
    public static Optional<Endpoint> parse(Map<String, String> params, List<String> problems) {
        int before = problems.size();
        String u = params.getOrDefault(URL, "").trim();
        URI uri = null;
        boolean insecure = false;
        String in = params.getOrDefault(INSECURE, "").trim().toLowerCase(Locale.ROOT);
        if (!in.isEmpty()) {
            if (in.equals("true") || in.equals("false")) {
                insecure = in.equals("true");
            } else {
                problems.add(INSECURE + ": '" + params.get(INSECURE) + "' is not true or false");
            }
        }
        if (u.isEmpty()) {
            problems.add(URL + " is missing (url = https://vcenter.example.com/sdk)");
        } else {
            try {
                uri = new URI(u);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                    problems.add(URL + ": '" + u + "' is not an https:// URL with a host");
                    uri = null;
                } else if (scheme.equals("http") && !insecure) {
                    problems.add(URL + ": '" + u + "' is plain http (the password would cross the network in clear);"
                            + " use https, or insecure = true in a lab");
                    uri = null;
                } else if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
                    uri = new URI(scheme, null, uri.getHost(), uri.getPort(), "/sdk", null, null);
                }
            } catch (URISyntaxException e) {
                problems.add(URL + ": '" + u + "' is not a URL (" + e.getReason() + ")");
            }
        }
        String user = params.getOrDefault(USER, "").trim();
        if (user.isEmpty()) {
            problems.add(USER + " is missing (the vSphere user, e.g. duplex@vsphere.local)");
        }
        String pf = params.getOrDefault(PASSWORD_FILE, "").trim();
        Path file = null;
        if (pf.isEmpty()) {
            problems.add(PASSWORD_FILE + " is missing (an owner-only file whose first line is the password)");
        } else if (!Path.of(pf).isAbsolute()) {
            problems.add(PASSWORD_FILE + ": '" + pf + "' must be an absolute path");
        } else {
            file = Path.of(pf);
        }
        Optional<Thumbprint> pin = Optional.empty();
        String tp = params.getOrDefault(THUMBPRINT, "").trim();
        if (!tp.isEmpty()) {
            pin = Thumbprint.parse(tp);
            if (pin.isEmpty()) {
                problems.add(THUMBPRINT + ": '" + tp + "' is not a SHA-256 thumbprint (64 hex digits, AA:BB:...; "
                        + "openssl x509 -noout -fingerprint -sha256)");
            } else if (insecure) {
                problems.add(THUMBPRINT + " and " + INSECURE + " = true together: choose one");
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(uri, user, file, pin, insecure));
    }
}
