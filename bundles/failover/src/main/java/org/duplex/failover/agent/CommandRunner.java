package org.duplex.failover.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs system commands for the agents, always with a timeout. An optional prefix is put in front of every
 * command ({@code ip netns exec ns1} in the tests, {@code sudo -n} or nothing in production). Output goes to a
 * temporary file rather than a pipe, so a daemon that inherits it can never make the agent wait.
 */
public final class CommandRunner {

    private static final int MAX_OUTPUT = 4096;

    /**
     * @param exit     exit code, -1 when the command timed out (and was killed)
     * @param output   stdout and stderr, trimmed, at most 4 KiB
     * @param timedOut true when it did not finish in time
     * @param elapsed  how long it ran
     */
    public record Result(int exit, String output, boolean timedOut, Duration elapsed) {

        public boolean ok() {
            return exit == 0 && !timedOut;
        }

        /** "exit 2: RTNETLINK answers: File exists" for reasons. */
        public String describe() {
            return (timedOut ? "timed out" : "exit " + exit) + (output.isBlank() ? "" : ": " + output);
        }
    }

    private final List<String> prefix;

    public CommandRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    public static CommandRunner direct() {
        return new CommandRunner(List.of());
    }

    /** A runner from a configured {@code command.prefix} such as {@code "sudo -n"}; blank means none. */
    public static CommandRunner withPrefix(String commandPrefix) {
        String p = commandPrefix == null ? "" : commandPrefix.trim();
        return new CommandRunner(p.isEmpty() ? List.of() : List.of(p.split("\\s+")));
    }

    public List<String> prefix() {
        return prefix;
    }

    public Result run(List<String> command, Duration timeout) throws InterruptedException {
        return run(command, timeout, Map.of());
    }

    public Result run(List<String> command, Duration timeout, Map<String, String> env) throws InterruptedException {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        long t0 = System.nanoTime();
        File out = null;
        try {
            out = File.createTempFile("duplex-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(out).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean finished;
            try {
                finished = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            if (!finished) {
                kill(p);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            return new Result(finished ? p.exitValue() : -1, read(out), !finished, elapsed);
        } catch (IOException e) {
            return new Result(127, "cannot run " + full.get(0) + ": " + e.getMessage(), false,
                    Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            if (out != null && !out.delete()) {
                out.deleteOnExit();
            }
        }
    }

    /** Starts a command without waiting for it (gratuitous ARP repeats); it is killed after {@code limit}. */
    public java.util.Optional<Process> launch(List<String> command, Duration limit) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        try {
            // coreutils' timeout ends it, not CompletableFuture.orTimeout: the JDK's JVM-wide delay thread keeps
            // the context class loader of the thread that first used it, which could be a Duplex bundle's loader
            // and would then outlive an upgrade of that bundle
            List<String> limited = new ArrayList<>(List.of("timeout", "-k", "1",
                    String.format(java.util.Locale.ROOT, "%.3f", limit.toMillis() / 1000.0)));
            limited.addAll(full);
            Process p = new ProcessBuilder(limited).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return java.util.Optional.of(p);
        } catch (IOException e) {
            // reported by the caller's next monitor; nothing to wait for here
            return java.util.Optional.empty();
        }
    }

    /** Kills a process started by {@link #launch} and everything it started. */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String read(File f) {
        try {
            byte[] b = Files.readAllBytes(f.toPath());
            String s = new String(b, 0, Math.min(b.length, MAX_OUTPUT), StandardCharsets.UTF_8).strip();
            return s.replace('\n', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
