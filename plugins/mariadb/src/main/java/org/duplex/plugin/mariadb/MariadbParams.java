package org.duplex.plugin.mariadb;

import org.duplex.plugin.support.Sizes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.failover.DurationWords;

/**
 * Reads the parameters of the {@code mariadb} agent and monitor, collecting one problem per bad parameter, each
 * naming the parameter. Unknown keys are problems too (a typo such as {@code max-lags} would otherwise silently
 * turn a check off).
 */
final class MariadbParams {

    static final String DEFAULT_MARIADBD = "/usr/sbin/mariadbd";
    static final String DEFAULT_USER = "duplex";
    static final int DEFAULT_PORT = 3306;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** MariaDB account names: no quotes, no spaces, nothing the driver or a reason would need to escape. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.-]{0,79}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]{1,253}");

    private final Map<String, String> params;
    private final List<String> problems = new ArrayList<>();

    MariadbParams(Map<String, String> params, Set<String> known) {
        this.params = params;
        for (String k : params.keySet()) {
            if (!known.contains(k)) {
                problems.add(k + ": unknown parameter (known: " + String.join(", ", known.stream().sorted().toList())
                        + ")");
            }
        }
    }

    List<String> problems() {
        return problems;
    }

    private Optional<String> raw(String key) {
        String v = params.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    Path absolutePath(String key, boolean required, String dflt) {
        Optional<String> v = raw(key).or(() -> Optional.ofNullable(dflt));
        if (v.isEmpty()) {
            if (required) {
                problems.add(key + ": required (an absolute path)");
            }
            return null;
        }
        if (!v.get().startsWith("/")) {
            problems.add(key + ": must be an absolute path, was '" + v.get() + "'");
            return null;
        }
        return Path.of(v.get()).normalize();
    }

    int port() {
        String v = raw("port").orElse(Integer.toString(DEFAULT_PORT));
        try {
            int p = Integer.parseInt(v);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("port: must be a TCP port 1-65535, was '" + v + "'");
        return DEFAULT_PORT;
    }

    String host(String key, String dflt) {
        Optional<String> v = raw(key).or(() -> Optional.ofNullable(dflt));
        if (v.isEmpty()) {
            return null;
        }
        if (!HOST.matcher(v.get()).matches()) {
            problems.add(key + ": must be a host name or address, was '" + v.get() + "'");
        }
        return v.get();
    }

    /** An account name. */
    String name(String key, String dflt) {
        String v = raw(key).orElse(dflt);
        if (!NAME.matcher(v).matches()) {
            problems.add(key + ": must be a plain name (letters, digits, _ . - $), was '" + v + "'");
        }
        return v;
    }

    Optional<Duration> duration(String key) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = DurationWords.parse(v.get(), key);
            if (d.isNegative() || d.isZero()) {
                problems.add(key + ": must be positive, was '" + v.get() + "'");
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": not a duration (500ms, 2s, 1m), was '" + v.get() + "'");
            return Optional.empty();
        }
    }

    OptionalLong size(String key) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        Optional<Long> b = Sizes.parse(v.get());
        if (b.isEmpty()) {
            problems.add(key + ": not a size (4096, 512MiB, 2G, 1.5TiB), was '" + v.get() + "'");
            return OptionalLong.empty();
        }
        return OptionalLong.of(b.get());
    }

    OptionalDouble percent(String key) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            double p = Double.parseDouble(v.get().replace("%", "").strip());
            if (p > 0 && p <= 100) {
                return OptionalDouble.of(p);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": must be a percentage above 0 and at most 100, was '" + v.get() + "'");
        return OptionalDouble.empty();
    }

    Optional<Role> role() {
        Optional<String> v = raw("role");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Role.valueOf(v.get().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problems.add("role: must be primary or replica, was '" + v.get() + "'");
            return Optional.empty();
        }
    }

    /** The role a server should have: a writable primary, or a read-only replica of another server. */
    enum Role {
        PRIMARY, REPLICA;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where and as whom to connect. */
    static Connect connect(MariadbParams p) {
        return new Connect(p.host("host", "127.0.0.1"), p.port(), p.name("user", DEFAULT_USER),
                Optional.ofNullable(p.absolutePath("password-file", false, null)),
                p.duration("connect-timeout").orElse(DEFAULT_CONNECT_TIMEOUT), p.tls());
    }

    /** Connector/J's sslMode: TLS off (Debian's server has none), on without checks, or verified. */
    static final List<String> TLS_MODES = List.of("disable", "trust", "verify-ca", "verify-full");

    String tls() {
        String v = raw("tls").orElse("disable");
        if (!TLS_MODES.contains(v)) {
            problems.add("tls: must be one of " + String.join(", ", TLS_MODES) + ", was '" + v + "'");
            return "disable";
        }
        return v;
    }

    /**
     * @param passwordFile a file of mode 0600 whose first line is the password; empty: no password
     * @param tls          Connector/J's sslMode
     */
    record Connect(String host, int port, String user, Optional<Path> passwordFile, Duration connectTimeout,
                   String tls) {
        String where() {
            return host + ":" + port;
        }
    }
}
