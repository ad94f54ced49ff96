package org.duplex.itests.node;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One Duplex node run from the unpacked distribution, as an operator runs it: bin/start, bin/client, bin/stop,
 * optionally inside a network namespace. Used by the tests that need real node processes.
 */
public final class DistributionNode {

    /** Output and exit code of a finished command. */
    public record Result(int exitCode, String output) {
    }

    private final Path home;
    private final List<String> prefix;

    private DistributionNode(Path home, List<String> prefix) {
        this.home = home;
        this.prefix = prefix;
    }

    /** Unpacks {@code assembly} into {@code dir} (emptied first). Runs in the host network. */
    public static DistributionNode unpack(Path assembly, Path dir) throws Exception {
        return unpack(assembly, dir, null);
    }

    /** Unpacks {@code assembly} into {@code dir}; its scripts run inside network namespace {@code netns}. */
    public static DistributionNode unpack(Path assembly, Path dir, String netns) throws Exception {
        deleteTree(dir);
        Files.createDirectories(dir);
        Result r = exec(dir, List.of(), Duration.ofMinutes(2), "tar", "xzf", assembly.toString(), "--strip-components=1");
        if (r.exitCode != 0) {
            throw new IllegalStateException("cannot unpack " + assembly + ": " + r.output);
        }
        List<String> prefix = netns == null ? List.of() : List.of("ip", "netns", "exec", netns);
        return new DistributionNode(dir, prefix);
    }

    public Path home() {
        return home;
    }

    /** Sets {@code key = value} in a properties-style file under the node's home, adding it if absent. */
    public DistributionNode setProperty(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = Files.exists(path) ? Files.readAllLines(path) : new ArrayList<>();
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (String line : lines) {
            if (line.matches("\\s*" + java.util.regex.Pattern.quote(key) + "\\s*=.*")) {
                out.add(key + " = " + value);
                found = true;
            } else {
                out.add(line);
            }
        }
        if (!found) {
            out.add(key + " = " + value);
        }
        Files.write(path, out);
        return this;
    }

    /** Gives the node its own SSH and JMX ports so several nodes can share one network. */
    public DistributionNode ports(int ssh, int rmiRegistry, int rmiServer) throws IOException {
        setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(ssh));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(rmiRegistry));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(rmiServer));
        // Each node its own REST API port too (the duplex-web feature is booted; 8443 would collide).
        setProperty("etc/org.duplex.web.cfg", "port.https", String.valueOf(freeLocalPort()));
        return this;
    }

    private static int freeLocalPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public Result start() throws Exception {
        return run(Duration.ofMinutes(1), "bin/start");
    }

    public Result stop() throws Exception {
        return run(Duration.ofMinutes(1), "bin/stop");
    }

    public boolean isRunning() throws Exception {
        return run(Duration.ofSeconds(30), "bin/status").exitCode == 0;
    }

    /** The JVM's pid from karaf.pid, or -1 before the first start. */
    public long pid() throws IOException {
        Path pidFile = home.resolve("karaf.pid");
        return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
    }

    /** SIGKILL: the node dies without any chance to clean up, as in a power cut. */
    public void kill() throws Exception {
        long pid = pid();
        if (pid > 0) {
            exec(home, List.of(), Duration.ofSeconds(10), "kill", "-KILL", String.valueOf(pid));
        }
    }

    /** Runs one console command through bin/client, with no terminal (stdin /dev/null). */
    public Result client(String command) throws Exception {
        return run(Duration.ofSeconds(90), "bin/client", command);
    }

    public Result run(Duration timeout, String... command) throws Exception {
        return exec(home, prefix, timeout, command);
    }

    public String adminPassword() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(home.resolve("etc/users.properties"))) {
            p.load(in);
        }
        String entry = p.getProperty("admin");
        return entry == null ? null : entry.split(",")[0];
    }

    static Result exec(Path dir, List<String> prefix, Duration timeout, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("duplex-node", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout
                        + "; output so far: " + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Deletes a directory tree (a node home, a test work dir); absent is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
