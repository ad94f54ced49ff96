package org.duplex.itests.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * RSS and CPU time of a set of processes from /proc: the Karaf JVM, or every Chromium process of one profile. CPU
 * time is utime + stime in clock ticks of 10 ms (USER_HZ 100). RSS of several processes is summed, so pages they
 * share (Chromium's renderers share much of the binary) are counted more than once: an upper bound; PSS (from
 * smaps_rollup) splits each shared page among its sharers, so the PSS sum is what the set really costs.
 */
public record Footprint(int processes, long rssKiB, long pssKiB, long cpuTicks, long nanoTime) {

    /** The JVM with this pid. */
    public static Footprint of(long pid) throws IOException {
        return of(List.of(pid));
    }

    /** Every process whose command line contains {@code marker} (a Chromium --user-data-dir). */
    public static Footprint ofCommandLine(String marker) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains(marker)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // the process ended between the listing and the read
                }
            }
        }
        return of(pids);
    }

    private static Footprint of(List<Long> pids) {
        long rss = 0;
        long pss = 0;
        long ticks = 0;
        int n = 0;
        for (long pid : pids) {
            try {
                Path proc = Path.of("/proc", Long.toString(pid));
                for (String line : Files.readAllLines(proc.resolve("status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
                for (String line : Files.readAllLines(proc.resolve("smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        pss += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
                String stat = Files.readString(proc.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                n++;
            } catch (IOException | RuntimeException gone) {
                // ended meanwhile
            }
        }
        return new Footprint(n, rss, pss, ticks, System.nanoTime());
    }

    /** Share of one core used since {@code earlier} (same set of processes), in percent. */
    public double percentOfACoreSince(Footprint earlier) {
        double seconds = (nanoTime - earlier.nanoTime) / 1e9;
        return (cpuTicks - earlier.cpuTicks) * 0.01 / seconds * 100;
    }

    public String describe() {
        return String.format("%d process(es), RSS %d MiB, PSS %d MiB", processes, rssKiB / 1024, pssKiB / 1024);
    }
}
