package org.duplex.failover.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;

/**
 * {@code ha:history} on disk: one line per entry, appended as it happens, read back at start, so a restart keeps the
 * timeline ("why did it fail over" is asked after the node came back). Bounded: when the file holds twice
 * {@code maxLines} lines it is rewritten with the newest {@code maxLines} (atomically: a crash leaves the old or the
 * new file). Line format, tab-separated: epoch millis, node, group or -, resource or -, kind, text (tab, newline and
 * backslash escaped). A damaged line (torn by a power cut) is skipped and counted, never fatal.
 */
public final class HistoryJournal {

    /** What {@link #load()} found. */
    public record Loaded(List<History.Entry> entries, int damagedLines) {
    }

    private final Path file;
    private final int maxLines;
    private long lines = -1;

    public HistoryJournal(Path file, int maxLines) {
        if (maxLines <= 0) {
            throw new IllegalArgumentException("history journal size must be positive, was " + maxLines);
        }
        this.file = file;
        this.maxLines = maxLines;
    }

    public Path file() {
        return file;
    }

    /** The entries in the file, oldest first (the newest {@code maxLines}). */
    public synchronized Loaded load() throws IOException {
        if (!Files.exists(file)) {
            lines = 0;
            return new Loaded(List.of(), 0);
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines = all.size();
        List<History.Entry> out = new ArrayList<>();
        int damaged = 0;
        for (String line : all.subList(Math.max(0, all.size() - maxLines), all.size())) {
            Optional<History.Entry> e = parse(line);
            if (e.isPresent()) {
                out.add(e.get());
            } else if (!line.isEmpty()) {
                damaged++;
            }
        }
        return new Loaded(out, damaged);
    }

    public synchronized void append(History.Entry e) throws IOException {
        if (lines < 0) {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, format(e) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        lines++;
        if (lines >= 2L * maxLines) {
            compact();
        }
    }

    private void compact() throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> keep = all.subList(Math.max(0, all.size() - maxLines), all.size());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, keep, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException ex) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        lines = keep.size();
    }

    static String format(History.Entry e) {
        return e.at().toEpochMilli() + "\t" + escape(e.node().toString()) + "\t"
                + e.group().map(g -> escape(g.toString())).orElse("-") + "\t"
                + e.resource().map(r -> escape(r.toString())).orElse("-") + "\t" + e.kind().name() + "\t"
                + escape(e.text());
    }

    static Optional<History.Entry> parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.ofEpochMilli(Long.parseLong(f[0]));
            NodeId node = NodeId.of(unescape(f[1]));
            Optional<ResourceId> group = f[2].equals("-") ? Optional.empty() : Optional.of(ResourceId.of(unescape(f[2])));
            Optional<ResourceId> resource =
                    f[3].equals("-") ? Optional.empty() : Optional.of(ResourceId.of(unescape(f[3])));
            History.Kind kind = History.Kind.valueOf(f[4]);
            return Optional.of(new History.Entry(at, node, group, resource, kind, unescape(f[5])));
        } catch (RuntimeException bad) {
            return Optional.empty();
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
