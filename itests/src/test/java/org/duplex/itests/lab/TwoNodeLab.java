package org.duplex.itests.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives scripts/lab/two-node.sh - the same lab {@code scripts/demo.sh} gives a user - from a test, so what the
 * demo shows is what CI checks. Every call runs the script with this lab's namespace prefix and directory.
 */
public final class TwoNodeLab {

    /** One gap in the client's answers: from the last answer before it to the first after it. */
    public record Outage(long startMs, long endMs, long durationMs, String before, String after) {
        @Override
        public String toString() {
            return before + " -> " + after + " " + (durationMs < 0 ? "unfinished" : durationMs + " ms");
        }
    }

    /**
     * What the client saw: every gap in its answers, and the nodes that answered in order with repeats folded
     * ([node1, node2] = node1 until the takeover, node2 ever after; [node1, node2, node1] would be a ping-pong).
     */
    public record Report(List<Outage> outages, List<String> answeredBy) {
    }

    private static final String VIP = "10.77.1.50";
    private final Path script;
    private final Path dir;
    private final String prefix;
    private final String fence;

    public TwoNodeLab(Path root, Path dir, String prefix) {
        this(root, dir, prefix, "switch");
    }

    /** @param fence the lab's fence device: {@code switch} (exec, the switch ports) or {@code ipmi} (a BMC per node) */
    public TwoNodeLab(Path root, Path dir, String prefix, String fence) {
        this.script = root.resolve("scripts/lab/two-node.sh");
        this.dir = dir;
        this.prefix = prefix;
        this.fence = fence;
    }

    public Path dir() {
        return dir;
    }

    public void up(Path assembly) throws Exception {
        Files.createDirectories(dir);
        run(Duration.ofMinutes(8), "up", assembly.toString());
    }

    public void down() throws Exception {
        exec(Duration.ofMinutes(1), List.of("bash", script.toString(), "down"));
    }

    /** Runs a lab subcommand; fails with its output when it exits non-zero. */
    public String run(String... args) throws Exception {
        return run(Duration.ofMinutes(4), args);
    }

    private String run(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Result r = exec(timeout, cmd);
        if (r.exit != 0) {
            throw new AssertionError("two-node.sh " + String.join(" ", args) + " exited " + r.exit + ":\n" + r.out);
        }
        return r.out;
    }

    /** A console command on a node through its bin/client; fails on a non-zero exit. */
    public String client(String node, String command) throws Exception {
        return run(Duration.ofSeconds(90), "client", node, command);
    }

    /** The process id of NODE's Karaf JVM (bin/start writes it to karaf.pid). */
    public long jvmPid(String node) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(node).resolve("karaf.pid")).trim());
    }

    /** The node answering at the VIP right now, or "none". */
    public String served() throws Exception {
        return run(Duration.ofSeconds(30), "served").trim();
    }

    /** The coordinator named by whichever node answers first. */
    public String coordinator() throws Exception {
        for (String n : List.of("node1", "node2")) {
            try {
                Matcher m = Pattern.compile("Coordinator: (\\S+)").matcher(client(n, "ha:status"));
                if (m.find() && !m.group(1).equals("none")) {
                    return m.group(1);
                }
            } catch (AssertionError e) {
                // that node does not answer: ask the other
            }
        }
        throw new AssertionError("no node names a coordinator\n" + diagnostics());
    }

    /** "on" or "off": the fence device's view of the node's switch ports. */
    public String fenceStatus(String node) throws Exception {
        Result r = exec(Duration.ofSeconds(30), List.of("bash", script.toString(), "fence", "status", node));
        return r.exit == 0 ? "on" : r.exit == 1 ? "off" : "error " + r.exit + ": " + r.out;
    }

    public boolean hasVip(String node) throws Exception {
        return ip("-n", ns(node), "-o", "addr", "show", "dev", "eth0").contains(VIP + "/");
    }

    /** The node could answer at the VIP: address present, its LAN interface up and its switch port up. */
    public boolean servesVip(String node) throws Exception {
        String port = (node.equals("node1") ? "n1" : "n2") + "-lan";
        return hasVip(node) && ip("-n", ns(node), "-o", "link", "show", "eth0").contains(",UP")
                && ip("-n", prefix + "sw", "-o", "link", "show", port).contains(",UP");
    }

    /** Starts the client probe (a request to the VIP every 10 ms); close or stop it to get the outages. */
    public Probe probe(String name) throws Exception {
        Path file = dir.resolve("probe-" + name.replaceAll("[^A-Za-z0-9]+", "-") + ".txt");
        run("probe", "start", file.toString());
        return new Probe(file);
    }

    public final class Probe implements AutoCloseable {
        private final Path file;
        private boolean stopped;

        private Probe(Path file) {
            this.file = file;
        }

        /** Stops the probe; the outages it saw and which nodes answered, in order. */
        public Report stop() throws Exception {
            if (!stopped) {
                stopped = true;
                run("probe", "stop");
            }
            List<Outage> out = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[0].equals("outage")) {
                    out.add(new Outage(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5]));
                } else if (f.length == 2 && f[0].matches("\\d+") && !f[1].equals("none")
                        && (answers.isEmpty() || !answers.get(answers.size() - 1).equals(f[1]))) {
                    answers.add(f[1]);
                }
            }
            if (lines.stream().noneMatch(l -> l.startsWith("samples "))) {
                throw new AssertionError("the probe did not finish its report: " + file);
            }
            return new Report(out, answers);
        }

        @Override
        public void close() throws Exception {
            if (!stopped) {
                stop();
            }
        }
    }

    /** Both nodes' status and the tail of their logs, for a failure message. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (String n : List.of("node1", "node2")) {
            try {
                sb.append("--- ").append(n).append(" ha:status\n").append(client(n, "ha:status"));
            } catch (Exception | AssertionError e) {
                sb.append("--- ").append(n).append(" does not answer: ").append(e.getMessage()).append('\n');
            }
            try {
                List<String> log = Files.readAllLines(dir.resolve(n).resolve("data/log/karaf.log"));
                sb.append("--- ").append(n).append(" log tail\n");
                log.subList(Math.max(0, log.size() - 40), log.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("(no log: ").append(e.getMessage()).append(")\n");
            }
        }
        return sb.toString();
    }

    private String ns(String node) {
        return prefix + (node.equals("node1") ? "n1" : "n2");
    }

    private String ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return exec(Duration.ofSeconds(10), cmd).out;
    }

    /** A command's exit code and its output (stdout and stderr). */
    public record Result(int exit, String out) {
    }

    /** Runs another lab script (scripts/lab/NAME) on this lab (same prefix and directory); never throws on exit. */
    public Result script(String name, Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.resolveSibling(name).toString()));
        cmd.addAll(List.of(args));
        return exec(timeout, cmd);
    }

    private Result exec(Duration timeout, List<String> cmd) throws Exception {
        Path out = Files.createTempFile("duplex-lab", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile());
            Map<String, String> env = pb.environment();
            env.put("DUPLEX_LAB_PREFIX", prefix);
            env.put("DUPLEX_LAB_DIR", dir.toString());
            env.put("DUPLEX_LAB_FENCE", fence);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Starts sampling, every 50 ms, which nodes could answer at the VIP. */
    public VipWatch watchVip() {
        return new VipWatch();
    }

    /**
     * Samples every 50 ms which nodes could answer at the VIP: the address on their LAN interface while their
     * switch port is up. Records every moment two nodes could.
     */
    public final class VipWatch implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean running =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        private final List<String> both = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread;

        private VipWatch() {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        boolean n1 = servesVip("node1");
                        boolean n2 = servesVip("node2");
                        if (n1 && n2) {
                            both.add(java.time.LocalTime.now().toString());
                        }
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        both.add("watch failed: " + e);
                        return;
                    }
                }
            }, "vip-watch");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops sampling; the moments both nodes could answer. */
        public List<String> stop() throws InterruptedException {
            running.set(false);
            thread.join(5000);
            return List.copyOf(both);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** Waits (at most 2 minutes) until {@code node} answers at the VIP; the failure names the last answer. */
    public void awaitServedBy(String node, String what) {
        String[] last = {""};
        try {
            org.awaitility.Awaitility.await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        last[0] = served();
                        return node.equals(last[0]);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; last answer: " + last[0] + "\n" + diagnostics(), e);
        }
    }

    /** Waits (at most 2 minutes each) until both nodes are quorate with both in view. */
    public void awaitBothInView() {
        for (String n : List.of("node1", "node2")) {
            org.awaitility.Awaitility.await(n + " quorate with both nodes in view").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        String s = client(n, "ha:status");
                        return s.contains("Quorum:      yes") && s.contains("Votes:       2 of 2");
                    });
        }
    }
}
