package org.duplex.plugin.os.readonly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.param.Params;
import org.duplex.plugin.support.Deadline;

/**
 * The filesystem holding {@code path} is mounted read-write (ext4 with {@code errors=remount-ro} turns read-only
 * on its own after an I/O error), and, with {@code probe-dir}, a file can really be written, synced and removed
 * there - which also catches a filesystem that is read-write on paper but whose device no longer takes writes.
 */
public final class ReadonlyCheck {

    public static final String TYPE = "readonly";
    static final String PROBE_FILE = ".duplex-write-probe";

    private static final Set<String> KEYS = Set.of("path", "probe-dir");

    private final Path mountsFile;

    public ReadonlyCheck() {
        this(Path.of("/proc/self/mounts"));
    }

    /** @param mountsFile the mount table to read (tests give a fixture) */
    public ReadonlyCheck(Path mountsFile) {
        this.mountsFile = mountsFile;
    }

    public List<String> validate(Map<String, String> params) {
        Params p = new Params(TYPE, params, KEYS);
        String path = p.required("path", "a file or directory on the filesystem to watch, for example path=/srv/data");
        if (!path.isEmpty() && !path.startsWith("/")) {
            p.problem("path: '" + path + "' is not an absolute path");
        }
        p.text("probe-dir").ifPresent(d -> {
            if (!d.startsWith("/")) {
                p.problem("probe-dir: '" + d + "' is not an absolute path (a directory the check may write a "
                        + "small file in)");
            }
        });
        return p.problems();
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.within(timeout);
        List<String> problems = validate(params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        Path path = Path.of(params.get("path").trim());
        Optional<Path> probeDir = Optional.ofNullable(params.get("probe-dir")).map(String::trim).map(Path::of);
        Path real;
        try {
            real = deadline.call("duplex-readonly-path", () -> path.toRealPath());
        } catch (NoSuchFileException e) {
            return HealthStatus.unknown("cannot check " + path + ": no such file or directory", deadline.elapsed());
        } catch (IOException | RuntimeException e) {
            return HealthStatus.unknown("cannot check " + path + ": " + e, deadline.elapsed());
        } catch (TimeoutException e) {
            return HealthStatus.unhealthy(path + " did not answer within " + deadline.budgetText()
                    + " (filesystem hung?)", deadline.elapsed());
        }
        Mount mount;
        try {
            mount = Mount.holding(Mount.parse(Files.readString(mountsFile)), real).orElse(null);
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read " + mountsFile + ": " + e.getMessage(), deadline.elapsed());
        }
        if (mount == null) {
            return HealthStatus.unknown("no mount holds " + real + " in " + mountsFile, deadline.elapsed());
        }
        if (mount.readOnly()) {
            return HealthStatus.unhealthy("filesystem " + mount.describe() + " is mounted read-only",
                    deadline.elapsed());
        }
        if (probeDir.isEmpty()) {
            return HealthStatus.healthy("filesystem " + mount.describe() + " is mounted read-write",
                    deadline.elapsed());
        }
        try {
            deadline.call("duplex-readonly-probe", () -> {
                writeProbe(probeDir.get());
                return null;
            });
        } catch (IOException | RuntimeException e) {
            return HealthStatus.unhealthy("filesystem " + mount.describe() + " is mounted read-write but the write "
                    + "probe failed: " + e.getMessage(), deadline.elapsed());
        } catch (TimeoutException e) {
            return HealthStatus.unhealthy("filesystem " + mount.describe() + ": the write probe in " + probeDir.get()
                    + " did not finish within " + deadline.budgetText() + " (filesystem hung?)", deadline.elapsed());
        }
        return HealthStatus.healthy("filesystem " + mount.describe() + " is mounted read-write, write probe in "
                + probeDir.get() + " ok", deadline.elapsed());
    }

    // A new file each time (two bindings may probe one directory at once), synced so the write reaches the
    // device, then removed.
    private static void writeProbe(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, PROBE_FILE + "-", "");
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.WRITE)) {
            byte[] text = ("duplex write probe " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
            ch.write(ByteBuffer.wrap(text));
            ch.force(true);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
