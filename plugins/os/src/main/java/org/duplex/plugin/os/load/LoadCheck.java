package org.duplex.plugin.os.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.param.Params;

/**
 * Load average against limits, per CPU by default ({@code max-load5=2} on 8 CPUs fails above 16).
 *
 * <p>The CPUs are counted from {@code /sys/devices/system/cpu/online}, not {@link Runtime#availableProcessors()}:
 * the load average counts the tasks of the whole machine, while the JVM's count shrinks to its cpuset or CPU
 * quota, which would overstate the load per CPU.
 */
public final class LoadCheck {

    public static final String TYPE = "load";

    private static final Set<String> KEYS = Set.of("max-load1", "max-load5", "max-load15", "per-cpu");

    private final Path loadavg;
    private final Path cpusOnline;

    public LoadCheck() {
        this(Path.of("/proc/loadavg"), Path.of("/sys/devices/system/cpu/online"));
    }

    /** @param loadavg and {@code cpusOnline}: the files to read (tests give fixtures) */
    public LoadCheck(Path loadavg, Path cpusOnline) {
        this.loadavg = loadavg;
        this.cpusOnline = cpusOnline;
    }

    record Limits(Optional<Double> max1, Optional<Double> max5, Optional<Double> max15, boolean perCpu) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Limits parse(Map<String, String> params, List<String> problems) {
        Params p = new Params(TYPE, params, KEYS);
        Limits l = new Limits(p.number("max-load1", "4"), p.number("max-load5", "2"), p.number("max-load15", "1.5"),
                p.flag("per-cpu", true));
        if (!p.has("max-load1") && !p.has("max-load5") && !p.has("max-load15")) {
            p.problem("max-load5: no limit given (give at least one of max-load1, max-load5, max-load15, per CPU "
                    + "unless per-cpu=false: for example max-load5=2)");
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
        Optional<LoadAverage> read;
        int cpus;
        try {
            read = LoadAverage.parse(Files.readString(loadavg));
            cpus = limits.perCpu() ? LoadAverage.countCpus(Files.readString(cpusOnline))
                    .orElse(Runtime.getRuntime().availableProcessors()) : 1;
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read the load average: " + e, since(t0));
        }
        if (read.isEmpty()) {
            return HealthStatus.unknown(loadavg + " does not start with three numbers", since(t0));
        }
        LoadAverage load = read.get();
        List<String> failures = new ArrayList<>();
        compare("load1", load.load1(), limits.max1(), cpus, limits.perCpu(), failures);
        compare("load5", load.load5(), limits.max5(), cpus, limits.perCpu(), failures);
        compare("load15", load.load15(), limits.max15(), cpus, limits.perCpu(), failures);
        if (!failures.isEmpty()) {
            return HealthStatus.unhealthy(String.join("; ", failures), since(t0));
        }
        String text = "load " + f(load.load1()) + " " + f(load.load5()) + " " + f(load.load15());
        return HealthStatus.healthy(limits.perCpu() ? text + " on " + cpus + " CPUs (per CPU " + f(load.load1() / cpus)
                + " " + f(load.load5() / cpus) + " " + f(load.load15() / cpus) + ")" : text, since(t0));
    }

    private static void compare(String name, double value, Optional<Double> max, int cpus, boolean perCpu,
            List<String> failures) {
        if (max.isEmpty()) {
            return;
        }
        double v = perCpu ? value / cpus : value;
        if (v > max.get()) {
            failures.add(perCpu
                    ? name + " " + f(v) + " per CPU (" + f(value) + " on " + cpus + " CPUs), limit " + f(max.get())
                    : name + " " + f(v) + ", limit " + f(max.get()));
        }
    }

    private static String f(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
