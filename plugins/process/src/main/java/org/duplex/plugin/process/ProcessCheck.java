package org.duplex.plugin.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.process.proc.ProcEntry;
import org.duplex.plugin.process.proc.ProcTable;
import org.duplex.plugin.process.select.Rule;
import org.duplex.plugin.process.select.Selector;
import org.duplex.plugin.support.Deadline;

/**
 * Counts the processes of every rule ({@code match.N=name:|cmdline:|pidfile:|cgroup:...}, {@code min.N},
 * {@code max.N}, {@code label.N}) in one snapshot of {@code /proc} and compares each count with its bounds. Zombies
 * do not count, nor does the JVM running the check (a {@code cmdline:java} would otherwise always find it).
 */
public final class ProcessCheck {

    public static final String TYPE = "process";

    private final Path proc;
    private final Path mounts;

    public ProcessCheck() {
        this(Path.of("/proc"), Path.of("/proc/self/mounts"));
    }

    /** @param proc the proc filesystem; {@code mounts} the mount table that locates the cgroup2 mount */
    public ProcessCheck(Path proc, Path mounts) {
        this.proc = proc;
        this.mounts = mounts;
    }

    /**
     * @param running how many of the rule's processes run
     * @param detail  what a reason adds in brackets ("pid 1234", "no such file"), or ""
     */
    record Count(int running, String detail) {
    }

    /** The check cannot tell at all (no cgroup2 mount): UNKNOWN. */
    private static final class CannotTell extends RuntimeException {
        CannotTell(String message) {
            super(message);
        }
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        Rule.parse(params, problems);
        return problems;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.within(timeout);
        List<String> problems = new ArrayList<>();
        List<Rule> rules = Rule.parse(params, problems);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        List<Count> counts;
        try {
            counts = deadline.call("duplex-process-scan", () -> {
                ProcTable table = ProcTable.read(proc);
                List<Count> out = new ArrayList<>();
                for (Rule r : rules) {
                    out.add(count(r.selector(), table));
                }
                return out;
            });
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read " + proc + ": " + e.getMessage(), deadline.elapsed());
        } catch (CannotTell e) {
            return HealthStatus.unknown(e.getMessage(), deadline.elapsed());
        } catch (TimeoutException e) {
            return HealthStatus.unhealthy("reading " + proc + " did not finish within " + deadline.budgetText()
                    + " (a process stuck in the kernel?)", deadline.elapsed());
        }
        List<String> failures = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            Count c = counts.get(i);
            String detail = c.detail().isEmpty() ? "" : " (" + c.detail() + ")";
            if (c.running() < r.min()) {
                failures.add(r.label() + ": " + c.running() + " running, need " + r.min() + detail);
            } else if (r.max().isPresent() && c.running() > r.max().getAsInt()) {
                failures.add(r.label() + ": " + c.running() + " running, at most " + r.max().getAsInt() + detail);
            } else {
                facts.add(r.label() + ": " + c.running() + " running" + detail);
            }
        }
        return failures.isEmpty()
                ? HealthStatus.healthy(String.join("; ", facts), deadline.elapsed())
                : HealthStatus.unhealthy(String.join("; ", failures), deadline.elapsed());
    }

    private Count count(Selector selector, ProcTable table) throws IOException {
        long self = ProcessHandle.current().pid();
        if (selector instanceof Selector.Name n) {
            return new Count((int) table.all().stream().filter(e -> e.running() && e.pid() != self)
                    .filter(e -> nameMatches(n.name(), e, table)).count(), "");
        }
        if (selector instanceof Selector.CmdLine c) {
            return new Count((int) table.all().stream().filter(e -> e.running() && e.pid() != self)
                    .filter(e -> {
                        List<String> args = table.cmdline(e.pid());
                        return !args.isEmpty() && c.regex().matcher(String.join(" ", args)).find();
                    }).count(), "");
        }
        if (selector instanceof Selector.PidFile p) {
            return pidFile(p.file(), table);
        }
        return cgroup(((Selector.Cgroup) selector).path(), table);
    }

    static boolean nameMatches(String name, ProcEntry e, ProcTable table) {
        if (e.comm().equals(name)) {
            return true;
        }
        if (name.length() <= Selector.COMM_LENGTH || !name.startsWith(e.comm())
                || e.comm().length() < Selector.COMM_LENGTH) {
            return false;
        }
        List<String> args = table.cmdline(e.pid());
        return !args.isEmpty() && Path.of(args.get(0)).getFileName() != null
                && Path.of(args.get(0)).getFileName().toString().equals(name);
    }

    private static Count pidFile(Path file, ProcTable table) throws IOException {
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            return new Count(0, "no such file");
        }
        String first = text.isEmpty() ? "" : text.split("\\s+")[0];
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return new Count(0, "'" + (first.length() > 20 ? first.substring(0, 20) + "..." : first)
                    + "' is not a pid");
        }
        Optional<ProcEntry> e = table.get(pid);
        return e.isPresent() && e.get().running() ? new Count(1, "pid " + pid)
                : new Count(0, "pid " + pid + " is not running");
    }

    private Count cgroup(String path, ProcTable table) throws IOException {
        Path dir;
        if (path.startsWith("/")) {
            dir = Path.of(path);
        } else {
            dir = cgroup2Mount().resolve(path);
        }
        if (!Files.isDirectory(dir)) {
            return new Count(0, "no such cgroup");
        }
        if (!Files.exists(dir.resolve("cgroup.procs"))) {
            return new Count(0, dir + " is not a cgroup v2 directory (no cgroup.procs)");
        }
        List<Path> procsFiles;
        try (Stream<Path> files = Files.walk(dir)) {
            procsFiles = files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList();
        }
        Set<Long> pids = new HashSet<>();
        for (Path f : procsFiles) {
            try {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.trim()));
                    }
                }
            } catch (NoSuchFileException gone) {
                // a child cgroup removed meanwhile
            }
        }
        return new Count((int) pids.stream().map(table::get).flatMap(Optional::stream).filter(ProcEntry::running)
                .count(), "");
    }

    private Path cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(mounts)) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return Path.of(f[1]);
            }
        }
        throw new CannotTell("no cgroup2 filesystem is mounted (" + mounts
                + " has none), so a relative cgroup path cannot be resolved");
    }
}
