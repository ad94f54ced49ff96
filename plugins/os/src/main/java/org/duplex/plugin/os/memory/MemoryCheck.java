package org.duplex.plugin.os.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.param.Params;
import org.duplex.plugin.support.Sizes;

/** Memory and swap use of the node against limits, from {@code /proc/meminfo}. */
public final class MemoryCheck {

    public static final String TYPE = "memory";

    private static final Set<String> KEYS = Set.of("max-used", "max-swap-used", "min-available");

    private final Path meminfo;

    public MemoryCheck() {
        this(Path.of("/proc/meminfo"));
    }

    /** @param meminfo the file to read (tests give a fixture) */
    public MemoryCheck(Path meminfo) {
        this.meminfo = meminfo;
    }

    record Limits(Optional<Double> maxUsed, Optional<Double> maxSwapUsed, Optional<Long> minAvailable) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Limits parse(Map<String, String> params, List<String> problems) {
        Params p = new Params(TYPE, params, KEYS);
        Limits l = new Limits(p.percent("max-used"), p.percent("max-swap-used"), p.size("min-available"));
        if (!p.has("max-used") && !p.has("max-swap-used") && !p.has("min-available")) {
            p.problem("max-used: no limit given (give at least one of max-used=90, max-swap-used=50, "
                    + "min-available=512MiB)");
        }
        problems.addAll(p.problems());
        return problems.isEmpty() ? l : null;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Limits limits = parse(params, problems);
        if (limits == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), since(t0));
        }
        Optional<MemInfo> read;
        try {
            read = MemInfo.parse(Files.readString(meminfo));
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read " + meminfo + ": " + e.getMessage(), since(t0));
        }
        if (read.isEmpty()) {
            return HealthStatus.unknown(meminfo + " has no MemTotal or MemAvailable (kernel before 3.14?)", since(t0));
        }
        MemInfo m = read.get();
        List<String> failures = new ArrayList<>();
        String used = "memory " + Sizes.percent(m.usedPercent()) + " used (" + Sizes.format(m.available())
                + " available of " + Sizes.format(m.total()) + ")";
        limits.maxUsed().filter(max -> m.usedPercent() > max).ifPresent(max ->
                failures.add("memory " + Sizes.percent(m.usedPercent()) + " used, limit " + Sizes.limit(max)
                        + " (" + Sizes.format(m.available()) + " available of " + Sizes.format(m.total()) + ")"));
        limits.minAvailable().filter(min -> m.available() < min).ifPresent(min ->
                failures.add("memory " + Sizes.format(m.available()) + " available, need " + Sizes.format(min)));
        String swap = m.swapTotal() == 0 ? "no swap" : "swap " + Sizes.percent(m.swapUsedPercent()) + " used ("
                + Sizes.format(m.swapUsed()) + " of " + Sizes.format(m.swapTotal()) + ")";
        limits.maxSwapUsed().filter(max -> m.swapUsedPercent() > max).ifPresent(max ->
                failures.add("swap " + Sizes.percent(m.swapUsedPercent()) + " used, limit " + Sizes.limit(max)
                        + " (" + Sizes.format(m.swapUsed()) + " of " + Sizes.format(m.swapTotal()) + ")"));
        return failures.isEmpty()
                ? HealthStatus.healthy(used + ", " + swap, since(t0))
                : HealthStatus.unhealthy(String.join("; ", failures), since(t0));
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
