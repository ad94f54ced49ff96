package org.duplex.plugin.mariadb;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mariadbd of a data directory as Linux shows it: the pid in its pid file, checked against {@code /proc}
 * (alive, not a zombie, a {@code mariadbd} or {@code mysqld} program, and when readable its working directory is
 * the data directory, where mariadbd changes to at start: a pid reused by another process after a crash is not
 * taken for the server).
 */
final class Mariadbd {

    private Mariadbd() {
    }

    /** The pid the pid file names, or -1 (absent, empty or not a number). */
    static long pidFromFile(Path pidFile) throws IOException {
        try {
            String s = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The live server of {@code dataDir}, if any. */
    static Optional<Long> live(Path pidFile, Path dataDir) throws IOException {
        long pid = pidFromFile(pidFile);
        return pid > 0 && isServerOf(pid, dataDir) ? Optional.of(pid) : Optional.empty();
    }

    static boolean isServerOf(long pid, Path dataDir) {
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
            if (!(argv0.endsWith("mariadbd") || argv0.endsWith("mysqld"))) {
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

    /** The size of the error log now, so that {@link #errorsSince} reads only what one start wrote. */
    static long size(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * What the error log says since {@code offset}: its [ERROR] lines (at most 3), else its last 3 lines, joined by
     * " | "; empty when nothing was written or it cannot be read.
     */
    static String errorsSince(Path log, long offset) {
        List<String> lines = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(offset <= f.length() ? offset : 0, f.length() - 64 * 1024);
            f.seek(from);
            byte[] b = new byte[(int) (f.length() - from)];
            f.readFully(b);
            new String(b, StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty())
                    .forEach(lines::add);
        } catch (IOException e) {
            return "";
        }
        List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]")).map(Mariadbd::withoutTimestamp)
                .limit(3).toList();
        List<String> pick = errors.isEmpty()
                ? lines.subList(Math.max(0, lines.size() - 3), lines.size()).stream().map(Mariadbd::withoutTimestamp)
                        .toList()
                : errors;
        return String.join(" | ", pick);
    }

    /** "2026-12-06  5:02:59 0 [ERROR] InnoDB: ..." -> "[ERROR] InnoDB: ...". */
    private static String withoutTimestamp(String line) {
        int i = line.indexOf(" [");
        return i > 0 && Character.isDigit(line.charAt(0)) ? line.substring(i + 1) : line;
    }
}
