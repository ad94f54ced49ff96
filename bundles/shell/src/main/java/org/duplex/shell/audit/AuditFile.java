package org.duplex.shell.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.duplex.api.admin.AuditEntry;
import org.duplex.api.admin.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in one file, one entry per line (tab-separated fields, tabs, line breaks and backslashes escaped).
 * Appends are flushed to the file before {@link #record} returns; the file keeps at most {@code 2 x capacity}
 * lines: past that it is rewritten (atomically) with the latest {@code capacity}. Lines it cannot read (a torn
 * last line after a crash) are skipped and counted in the log.
 */
public final class AuditFile implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditFile.class);
    private static final int FIELDS = 8;

    private final Path file;
    private final int capacity;
    private final Deque<AuditEntry> entries = new ArrayDeque<>();
    private int linesInFile;

    public AuditFile(Path file, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("audit capacity must be at least 1, was " + capacity);
        }
        this.file = file;
        this.capacity = capacity;
        load();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        int bad = 0;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                linesInFile++;
                AuditEntry e = parse(line);
                if (e == null) {
                    bad++;
                    continue;
                }
                entries.addLast(e);
                if (entries.size() > capacity) {
                    entries.removeFirst();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
        if (bad > 0) {
            LOG.warn("audit log {}: skipped {} unreadable line(s)", file, bad);
        }
    }

    @Override
    public synchronized void record(AuditEntry entry) {
        entries.addLast(entry);
        if (entries.size() > capacity) {
            entries.removeFirst();
        }
        try {
            Files.createDirectories(file.getParent());
            if (linesInFile + 1 > 2 * capacity) {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                List<String> lines = new ArrayList<>();
                entries.forEach(e -> lines.add(format(e)));
                Files.write(tmp, lines, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                linesInFile = lines.size();
            } else {
                Files.writeString(file, format(entry) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.SYNC);
                linesInFile++;
            }
        } catch (IOException e) {
            LOG.error("cannot write the audit log {} ({}): entry kept in memory only: {} {} {}", file, e.getMessage(),
                    entry.user(), entry.operation(), entry.arguments());
        }
    }

    @Override
    public synchronized List<AuditEntry> last(int last) {
        List<AuditEntry> all = new ArrayList<>(entries);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, last)), all.size()));
    }

    static String format(AuditEntry e) {
        return String.join("\t", e.at().toString(), esc(e.user()), esc(e.source()), esc(e.channel()),
                esc(e.operation()), esc(e.arguments()), e.success() ? "ok" : "failed", esc(e.result()));
    }

    static AuditEntry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS) {
            return null;
        }
        try {
            return new AuditEntry(Instant.parse(f[0]), unesc(f[1]), unesc(f[2]), unesc(f[3]), unesc(f[4]),
                    unesc(f[5]), "ok".equals(f[6]), unesc(f[7]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String unesc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
