package org.duplex.failover.selffence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reboot-loop guard: at most {@code max} self-reboots within any {@code window}, counted in a file under the
 * node's data directory so the count survives the reboot it guards. One line per reboot, {@code <instant> <why>},
 * written (and forced to disk) <em>before</em> the reboot runs. A file that cannot be read or written refuses
 * every reboot: when in doubt the node stays up and ineligible rather than risk a loop.
 *
 * <p>Wall-clock time, not a monotonic clock: the count must outlive the JVM and the machine. A clock stepped
 * back makes old reboots look recent (more refusals, never more reboots); stepped forward, they age out early.
 */
public final class RebootGuard {

    /** Lines kept in the file besides the ones inside the window, for the operator. */
    private static final int KEPT = 20;

    private final Path file;
    private final int max;
    private final Duration window;
    /** The file's entries, read once (only this guard writes it); null before the first read. */
    private List<Instant> entries;
    private List<String> lines;

    /**
     * @param max    self-reboots allowed per window; 0 disables self-reboots (the node only stays ineligible)
     * @param window the sliding window the reboots are counted in
     */
    public RebootGuard(Path file, int max, Duration window) {
        if (max < 0) {
            throw new IllegalArgumentException("reboot.max must be 0 or more, was " + max);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("reboot.window must be positive, was " + window);
        }
        this.file = file;
        this.max = max;
        this.window = window;
    }

    public Path file() {
        return file;
    }

    public int max() {
        return max;
    }

    public Duration window() {
        return window;
    }

    /** The recorded self-reboots within the window ending at {@code now}. */
    public synchronized List<Instant> recent(Instant now) throws IOException {
        load();
        Instant from = now.minus(window);
        return entries.stream().filter(t -> t.isAfter(from)).toList();
    }

    /** Why a self-reboot now is refused; empty when it is allowed. */
    public synchronized Optional<String> refusal(Instant now) {
        if (max == 0) {
            return Optional.of("self-reboots are disabled on this node (reboot.max = 0)");
        }
        List<Instant> recent;
        try {
            recent = recent(now);
        } catch (IOException | RuntimeException e) {
            return Optional.of("the reboot-loop guard file " + file + " cannot be read (" + e
                    + "): no self-reboot until it can");
        }
        if (recent.size() < max) {
            return Optional.empty();
        }
        return Optional.of(recent.size() + " self-reboot(s) within " + words(window) + " already (at "
                + String.join(", ", recent.stream().map(Instant::toString).toList()) + "; at most " + max + " per "
                + words(window) + "): reboot loop guard tripped; the next is allowed after "
                + recent.get(recent.size() - max).plus(window));
    }

    /** Records a self-reboot at {@code now}, on disk (forced) before it returns. */
    public synchronized void record(Instant now, String why) throws IOException {
        load();
        Instant from = now.minus(window);
        List<String> keep = new ArrayList<>();
        List<Instant> keptAt = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (entries.get(i).isAfter(from) || i >= lines.size() - KEPT) {
                keep.add(lines.get(i));
                keptAt.add(entries.get(i));
            }
        }
        keep.add(now + " " + why.replace('\n', ' ').replace('\r', ' '));
        keptAt.add(now);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, (String.join("\n", keep) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is on disk
        }
        lines = keep;
        entries = keptAt;
    }

    private void load() throws IOException {
        if (entries != null) {
            return;
        }
        List<Instant> at = new ArrayList<>();
        List<String> text = new ArrayList<>();
        if (Files.exists(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String first = line.split(" ", 2)[0];
                try {
                    at.add(Instant.parse(first));
                } catch (DateTimeParseException e) {
                    throw new IOException(file + " line " + n + ": '" + first + "' is not an instant");
                }
                text.add(line);
            }
        }
        entries = at;
        lines = text;
    }

    static String words(Duration d) {
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + " h";
        }
        if (d.toSeconds() % 60 == 0) {
            return d.toMinutes() + " min";
        }
        return d.toMillis() + " ms";
    }
}
