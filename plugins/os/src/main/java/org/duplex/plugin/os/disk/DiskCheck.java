package org.duplex.plugin.os.disk;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.param.Params;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Exec;
import org.duplex.plugin.support.Sizes;

/**
 * Free space and free inodes of the filesystem that holds {@code path}.
 *
 * <p>Space comes from {@link FileStore} ({@code statfs}). Inodes are not in the JDK and not in /proc (no file
 * there has per-filesystem inode counts), so they come from {@code df -P -i PATH}: coreutils is on every node, the
 * output is POSIX-fixed, and a {@code df} hung on a dead NFS server is a separate process killed at the deadline
 * rather than a Karaf thread - a JNI/JNA statvfs would add a native dependency to a plug-in that depends on the
 * API only. {@code df} is run only while the inode limit is in force.
 */
public final class DiskCheck {

    public static final String TYPE = "disk";
    static final double DEFAULT_MAX_USED = 90;
    static final double DEFAULT_MAX_INODES_USED = 90;

    private static final Set<String> KEYS = Set.of("path", "max-used", "min-free", "max-inodes-used");

    /** The parsed parameters; {@code maxInodesUsed} empty means inodes are not checked. */
    record Limits(Path path, double maxUsed, Optional<Long> minFree, Optional<Double> maxInodesUsed) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Limits parse(Map<String, String> params, List<String> problems) {
        Params p = new Params(TYPE, params, KEYS);
        String path = p.required("path", "a file or directory on the filesystem to watch, for example path=/var");
        if (!path.isEmpty() && !path.startsWith("/")) {
            p.problem("path: '" + path + "' is not an absolute path");
        }
        Optional<Double> maxUsed = p.percent("max-used");
        Optional<Long> minFree = p.size("min-free");
        Optional<Double> maxInodes = Optional.of(DEFAULT_MAX_INODES_USED);
        if (p.text("max-inodes-used").filter(v -> v.equalsIgnoreCase("off")).isPresent()) {
            maxInodes = Optional.empty();
        } else if (p.has("max-inodes-used")) {
            maxInodes = p.percent("max-inodes-used");
        }
        problems.addAll(p.problems());
        return problems.isEmpty() ? new Limits(Path.of(path), maxUsed.orElse(DEFAULT_MAX_USED), minFree, maxInodes)
                : null;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.within(timeout);
        List<String> problems = new ArrayList<>();
        Limits limits = parse(params, problems);
        if (limits == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        String name = "disk " + limits.path();
        SpaceUsage space;
        try {
            space = deadline.call("duplex-disk-statfs", () -> {
                FileStore store = Files.getFileStore(limits.path());
                return new SpaceUsage(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace());
            });
        } catch (NoSuchFileException e) {
            return HealthStatus.unknown(name + ": cannot check, no such file or directory", deadline.elapsed());
        } catch (IOException | RuntimeException e) {
            return HealthStatus.unknown(name + ": cannot check: " + e, deadline.elapsed());
        } catch (TimeoutException e) {
            return HealthStatus.unhealthy(name + ": statfs did not answer within " + deadline.budgetText()
                    + " (filesystem hung?)", deadline.elapsed());
        }

        List<String> failures = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        double pct = space.usedPercent();
        if (pct > limits.maxUsed()) {
            failures.add(name + " " + Sizes.percent(pct) + " full, limit " + Sizes.limit(limits.maxUsed()));
        } else {
            facts.add(name + " " + Sizes.percent(pct) + " full (limit " + Sizes.limit(limits.maxUsed()) + ")");
        }
        if (limits.minFree().isPresent()) {
            long need = limits.minFree().get();
            String free = Sizes.format(space.usable()) + " free";
            if (space.usable() < need) {
                failures.add(name + " " + free + ", need " + Sizes.format(need));
            } else {
                facts.add(free + " (need " + Sizes.format(need) + ")");
            }
        } else {
            facts.add(Sizes.format(space.usable()) + " free");
        }

        String inodeUnknown = null;
        if (limits.maxInodesUsed().isPresent()) {
            double max = limits.maxInodesUsed().get();
            try {
                Exec.Result df = Exec.run(List.of("df", "-P", "-i", "--", limits.path().toString()),
                        Map.of("LC_ALL", "C"), deadline);
                Optional<InodeUsage> inodes = df.exit() == 0 ? InodeUsage.parseDf(df.stdout()) : Optional.empty();
                if (df.timedOut()) {
                    failures.add(name + ": df -i did not answer within " + deadline.budgetText()
                            + " (filesystem hung?)");
                } else if (inodes.isEmpty()) {
                    inodeUnknown = "inodes unknown (df -i: " + (df.exit() == 0 ? "unexpected output '"
                            + Exec.Result.firstLine(df.stdout()) + "'" : "exit " + df.exit() + ": " + df.firstLine())
                            + ")";
                } else if (!inodes.get().counted()) {
                    facts.add("inodes not counted by this filesystem");
                } else if (inodes.get().usedPercent() > max) {
                    failures.add(name + " inodes " + Sizes.percent(inodes.get().usedPercent()) + " used, limit "
                            + Sizes.limit(max));
                } else {
                    facts.add("inodes " + Sizes.percent(inodes.get().usedPercent()) + " used");
                }
            } catch (IOException e) {
                inodeUnknown = "inodes unknown (cannot run df: " + e.getMessage() + ")";
            }
        }
        if (!failures.isEmpty()) {
            return HealthStatus.unhealthy(String.join("; ", failures), deadline.elapsed());
        }
        if (inodeUnknown != null) {
            return HealthStatus.unknown(String.join(", ", facts) + "; " + inodeUnknown, deadline.elapsed());
        }
        return HealthStatus.healthy(String.join(", ", facts), deadline.elapsed());
    }
}
