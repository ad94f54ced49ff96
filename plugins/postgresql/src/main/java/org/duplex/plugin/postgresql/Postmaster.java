package org.duplex.plugin.postgresql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster of a data directory as Linux shows it: the pid in {@code DATA/postmaster.pid}, checked against
 * {@code /proc} (alive, not a zombie, a postgres program, and when readable its working directory is the data
 * directory: a pid reused by another process after a crash is not taken for the server).
 */
final class Postmaster {

    private Postmaster() {
    }

    /** What {@code postmaster.pid} says. */
    record PidFile(boolean present, long pid) {
        static final PidFile ABSENT = new PidFile(false, -1);
    }

    static PidFile pidFile(Path dataDir) throws IOException {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return new PidFile(true, -1);
            }
            try {
                return new PidFile(true, Long.parseLong(lines.get(0).strip()));
            } catch (NumberFormatException e) {
                return new PidFile(true, -1);
            }
        } catch (NoSuchFileException e) {
            return PidFile.ABSENT;
        }
    }

    /** The live postmaster of {@code dataDir}, if any. */
    static Optional<Long> live(Path dataDir) throws IOException {
        PidFile f = pidFile(dataDir);
        return f.present() && f.pid() > 0 && isPostmasterOf(f.pid(), dataDir) ? Optional.of(f.pid())
                : Optional.empty();
    }

    static boolean isPostmasterOf(long pid, Path dataDir) {
        if (!alive(pid)) {
            return false;
        }
        try {
            byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            int end = 0;
            while (end < cmd.length && cmd[end] != 0) {
                end++;
            }
            String argv0 = new String(cmd, 0, end, StandardCharsets.UTF_8);
            if (!(argv0.endsWith("postgres") || argv0.endsWith("postmaster"))) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
            return cwd.equals(dataDir.toRealPath());
        } catch (IOException | SecurityException e) {
            return true; // not ours to read (another user, no root): the pid file and the program name must do
        }
    }

    /** Dead but not yet reaped by its parent (init): PostgreSQL's own lock-file check still sees it alive. */
    static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** Running or stopped (SIGSTOP), not a zombie and not gone. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code n} lines of a log file, for reasons; empty when it cannot be read. */
    static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - n), lines.size());
            return String.join(" | ", last.stream().map(String::strip).toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}
