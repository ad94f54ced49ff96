package org.duplex.plugin.process.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of the machine at one moment, read from {@code /proc}: every process's {@code stat} at once, its
 * {@code cmdline} only when asked (reading it can block on a process stuck in the kernel, so the check does it
 * only for selectors that need it).
 */
public final class ProcTable {

    private final Path proc;
    private final Map<Long, ProcEntry> byPid;
    private final Map<Long, List<String>> cmdlines = new HashMap<>();

    private ProcTable(Path proc, Map<Long, ProcEntry> byPid) {
        this.proc = proc;
        this.byPid = byPid;
    }

    /** Reads every {@code /proc/[0-9]+/stat}; a process that exits meanwhile is simply not in the table. */
    public static ProcTable read(Path proc) throws IOException {
        Map<Long, ProcEntry> byPid = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path d : dirs) {
                try {
                    ProcEntry.parseStat(Files.readString(d.resolve("stat"))).ifPresent(e -> byPid.put(e.pid(), e));
                } catch (IOException gone) {
                    // exited between the listing and the read
                }
            }
        }
        return new ProcTable(proc, byPid);
    }

    public Collection<ProcEntry> all() {
        return byPid.values();
    }

    public Optional<ProcEntry> get(long pid) {
        return Optional.ofNullable(byPid.get(pid));
    }

    /** The arguments; empty for kernel threads, zombies and processes gone since the table was read. */
    public List<String> cmdline(long pid) {
        return cmdlines.computeIfAbsent(pid, p -> {
            try {
                return ProcEntry.parseCmdline(Files.readAllBytes(proc.resolve(Long.toString(p)).resolve("cmdline")));
            } catch (IOException e) {
                return List.of();
            }
        });
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
