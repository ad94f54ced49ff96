package org.duplex.plugin.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;

/**
 * The check itself, plain Java with no OSGi in sight, so a unit test drives it directly: is {@code path} a regular
 * file, last modified within {@code max-age}? (An application that touches a file while it is well is watched
 * this way.) Parameters: {@code path} (required), {@code max-age} (optional, e.g. 30s, 2m; default from the
 * configuration).
 */
public final class FileCheck {

    private final Clock clock;
    private final Duration defaultMaxAge;
    private final boolean verbose;

    public FileCheck(Clock clock, Duration defaultMaxAge, boolean verbose) {
        this.clock = clock;
        this.defaultMaxAge = defaultMaxAge;
        this.verbose = verbose;
    }

    /** Problems, each naming the parameter; empty when the parameters are usable. */
    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        String path = params.get("path");
        if (path == null || path.isBlank()) {
            problems.add("path: required (the file to watch, e.g. path=/run/app/alive)");
        } else if (!Path.of(path).isAbsolute()) {
            problems.add("path: must be absolute, was '" + path + "'");
        }
        String maxAge = params.get("max-age");
        if (maxAge != null && parseDuration(maxAge) == null) {
            problems.add("max-age: '" + maxAge + "' is not a duration (use e.g. 30s, 2m, 500ms)");
        }
        for (String key : params.keySet()) {
            if (!key.equals("path") && !key.equals("max-age")) {
                problems.add(key + ": unknown parameter (this monitor takes path and max-age)");
            }
        }
        return problems;
    }

    public HealthStatus check(Map<String, String> params) {
        Instant start = clock.instant();
        List<String> problems = validate(params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("cannot check: " + String.join("; ", problems), elapsed(start));
        }
        Path file = Path.of(params.get("path"));
        Duration maxAge = params.containsKey("max-age") ? parseDuration(params.get("max-age")) : defaultMaxAge;
        if (!Files.isRegularFile(file)) {
            return HealthStatus.unhealthy(file + " does not exist (or is not a regular file)", elapsed(start));
        }
        try {
            Duration age = Duration.between(Files.getLastModifiedTime(file).toInstant(), clock.instant());
            if (!maxAge.isZero() && age.compareTo(maxAge) > 0) {
                return HealthStatus.unhealthy(file + " is stale: last modified " + age.toSeconds() + " s ago (max "
                        + maxAge.toSeconds() + " s)", elapsed(start));
            }
            return HealthStatus.healthy(file + " exists" + (verbose ? ", last modified " + Math.max(0,
                    age.toSeconds()) + " s ago" : ""), elapsed(start));
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read " + file + ": " + e.getMessage(), elapsed(start));
        }
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, clock.instant());
    }

    /** 500ms, 30s, 2m, 1h or a plain number of seconds; null when it is none of those. */
    static Duration parseDuration(String s) {
        String t = s.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.replaceAll("[smh]$", ""));
            if (n < 0) {
                return null;
            }
            return switch (t.charAt(t.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }
}
