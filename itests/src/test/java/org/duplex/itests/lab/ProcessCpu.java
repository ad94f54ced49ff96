package org.duplex.itests.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a process and of each of its threads, from /proc (utime + stime, in clock ticks of 10 ms: Linux's
 * USER_HZ is 100 on every architecture this runs on). Two snapshots give the share of a core over the interval
 * between them, and name the threads that used it.
 */
public final class ProcessCpu {

    private static final double TICK_SECONDS = 0.01;

    /**
     * One reading: the process total and each live thread's ticks, by "tid name", and the voluntary context
     * switches of its live threads (each one a wake-up after a sleep or a blocking call).
     */
    public record Snapshot(long pid, long nanoTime, long ticks, Map<String, Long> threads, long wakeups) {

        /** Voluntary context switches per second since {@code earlier}: wake-ups, whatever the machine's load. */
        public double wakeupsPerSecondSince(Snapshot earlier) {
            return (wakeups - earlier.wakeups) / ((nanoTime - earlier.nanoTime) / 1e9);
        }

        /** Share of one core used between {@code earlier} and this snapshot, in percent. */
        public double percentOfACoreSince(Snapshot earlier) {
            double seconds = (nanoTime - earlier.nanoTime) / 1e9;
            return (ticks - earlier.ticks) * TICK_SECONDS / seconds * 100;
        }

        /** Share of one core used since {@code earlier} by the threads whose "tid name" matches, in percent. */
        public double percentOfACoreSince(Snapshot earlier, java.util.function.Predicate<String> thread) {
            double seconds = (nanoTime - earlier.nanoTime) / 1e9;
            long used = threads.entrySet().stream().filter(e -> thread.test(e.getKey()))
                    .mapToLong(e -> e.getValue() - earlier.threads.getOrDefault(e.getKey(), 0L)).sum();
            return used * TICK_SECONDS / seconds * 100;
        }

        /** The threads that used the most CPU since {@code earlier}, "name 12.3%" each, busiest first. */
        public List<String> busiestSince(Snapshot earlier, int limit) {
            double seconds = (nanoTime - earlier.nanoTime) / 1e9;
            List<String> out = new ArrayList<>();
            threads.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - earlier.threads.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .limit(limit)
                    .forEach(e -> out.add(String.format("%s %.2f%%", e.getKey(), e.getValue() * TICK_SECONDS / seconds * 100)));
            return out;
        }
    }

    private ProcessCpu() {
    }

    public static Snapshot snapshot(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long total = ticks(Files.readString(proc.resolve("stat")));
        Map<String, Long> threads = new HashMap<>();
        long wakeups = 0;
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    threads.put(t.getFileName() + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                            ticks(stat));
                    wakeups += voluntarySwitches(Files.readString(t.resolve("status")));
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return new Snapshot(pid, System.nanoTime(), total, threads, wakeups);
    }

    /**
     * CPU ticks the whole machine spent busy (every CPU line's user, nice, system, irq, softirq and steal of
     * /proc/stat), to tell a quiet machine from a loaded one: a JVM's CPU time per wake-up grows with the load
     * around it (cold caches, a contended host), so its idle CPU share is only a fair measure on a quiet machine.
     */
    public static long machineBusyTicks() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = cpu.trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
    }

    static long voluntarySwitches(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }

    /** utime + stime: fields 14 and 15 of /proc/PID/stat, counted after the parenthesised command name. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
