package org.duplex.itests.lab;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A database client in a lab namespace that commits one transaction at a time and logs every acknowledged commit
 * ({@code ID EPOCH-MS}, one line each) - the measure of a database failover: after it, every acknowledged id must be
 * in the table (0 lost), and the longest gap between two acknowledgements is the outage the client saw. Used by
 * the database plug-ins' shared-storage tests; the commit itself is a shell command of the database's own client.
 */
public final class CommitClient implements AutoCloseable {

    /** One acknowledged commit: the id it inserted and when the client had the acknowledgement. */
    public record Ack(String id, long epochMs) {
    }

    /**
     * What a run showed.
     *
     * @param acked        acknowledged commits
     * @param lost         acknowledged ids missing from the table
     * @param stored       rows in the table afterwards
     * @param longestGapMs the longest time between two acknowledged commits (the client-observed outage)
     */
    public record Summary(int acked, List<String> lost, int stored, long longestGapMs) {
        public String line(String what) {
            return what + ": " + acked + " acknowledged commits, " + lost.size() + " lost, " + stored
                    + " rows afterwards; client-observed outage (longest gap between two acknowledged commits) "
                    + longestGapMs + " ms";
        }
    }

    private final Path acks;
    private final Path stop;
    private final Process process;
    private boolean stopped;

    private CommitClient(Path acks, Path stop, Process process) {
        this.acks = acks;
        this.stop = stop;
        this.process = process;
    }

    /**
     * Starts the loop in {@code namespace}: {@code commit} is a shell command that inserts row {@code $i} and exits 0
     * only when the commit was acknowledged (cut it off with {@code timeout} so that one stuck attempt does not hide
     * the recovery). Files go to {@code dir} (acks.txt, client.out); the loop ends by itself after 300 s.
     */
    public static CommitClient start(String namespace, Path dir, String commit) throws Exception {
        Path acks = dir.resolve("acks.txt");
        Path stop = dir.resolve("client.stop");
        Files.deleteIfExists(acks);
        Files.deleteIfExists(stop);
        String loop = "i=0; while [ ! -e " + stop + " ]; do i=$((i+1)); if " + commit + " >/dev/null 2>&1; then echo"
                + " \"$i $(date +%s%3N)\" >> " + acks + "; fi; done";
        Process p = new ProcessBuilder("timeout", "300", "ip", "netns", "exec", namespace, "bash", "-c", loop)
                .redirectErrorStream(true).redirectOutput(dir.resolve("client.out").toFile())
                .directory(new File("/")).start();
        return new CommitClient(acks, stop, p);
    }

    /** The commits acknowledged so far, in order. */
    public List<Ack> acks() throws Exception {
        if (!Files.exists(acks)) {
            return List.of();
        }
        return Files.readAllLines(acks, StandardCharsets.UTF_8).stream().filter(l -> l.matches("\\d+ \\d+"))
                .map(l -> new Ack(l.split(" ")[0], Long.parseLong(l.split(" ")[1]))).toList();
    }

    /** Whether a commit was acknowledged after {@code epochMs}. */
    public boolean ackedAfter(long epochMs) throws Exception {
        return acks().stream().anyMatch(a -> a.epochMs() > epochMs);
    }

    /** Ends the loop (the attempt under way finishes first). */
    public void stop() throws Exception {
        if (stopped) {
            return;
        }
        stopped = true;
        Files.writeString(stop, "");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** The run against the ids the table holds afterwards. */
    public static Summary summarize(List<Ack> acked, Collection<String> storedIds) {
        long longestGap = 0;
        long prev = -1;
        for (Ack a : acked) {
            if (prev > 0) {
                longestGap = Math.max(longestGap, a.epochMs() - prev);
            }
            prev = a.epochMs();
        }
        java.util.Set<String> stored = new java.util.HashSet<>(storedIds);
        List<String> lost = new ArrayList<>();
        for (Ack a : acked) {
            if (!stored.contains(a.id())) {
                lost.add(a.id());
            }
        }
        return new Summary(acked.size(), lost, stored.size(), longestGap);
    }

    /** Runs {@code sh -c command} on the host within 120 s; fails with its output on a non-zero exit. */
    public static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + ": timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + ": exit " + p.exitValue() + "\n" + out);
        }
        return out;
    }

    /** "12.3 % of a core, RSS 95 MiB": a process's use over {@code seconds}, from /proc. */
    public static String usage(long pid, double seconds) throws Exception {
        ProcessCpu.Snapshot a = ProcessCpu.snapshot(pid);
        Thread.sleep((long) (seconds * 1000));
        ProcessCpu.Snapshot b = ProcessCpu.snapshot(pid);
        long rssKb = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                .orElse(-1L);
        return String.format(java.util.Locale.ROOT, "%.1f %% of a core over %.0f s, RSS %d MiB",
                b.percentOfACoreSince(a), seconds, rssKb / 1024);
    }
}
