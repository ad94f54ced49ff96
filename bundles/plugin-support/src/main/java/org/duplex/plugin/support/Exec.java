package org.duplex.plugin.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command with a deadline: no shell, stdin from /dev/null, stdout and stderr into temporary files (a
 * background child that inherits a pipe could otherwise keep the check waiting for end of file). At the
 * deadline the command and every process it started are killed.
 */
public final class Exec {

    private static final int MAX_OUTPUT = 8192;

    /**
     * @param exit     exit code; -1 when it timed out
     * @param stdout   the start of standard output (at most 8 KiB)
     * @param stderr   the start of standard error (at most 8 KiB)
     * @param timedOut it was still running at the deadline and was killed
     * @param killed   how many processes were killed at the deadline (the command and its descendants)
     * @param elapsed  how long it ran
     */
    public record Result(int exit, String stdout, String stderr, boolean timedOut, int killed, Duration elapsed) {

        /** The first non-blank line of stderr, else of stdout, else "". */
        public String firstLine() {
            String line = firstLine(stderr);
            return line.isEmpty() ? firstLine(stdout) : line;
        }

        public static String firstLine(String text) {
            return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        }
    }

    private Exec() {
    }

    /**
     * Runs {@code argv} in {@code /}: a command run as another OS user (through runuser or su) may not be allowed
     * to enter Karaf's working directory.
     *
     * @param env added to Karaf's environment
     * @throws IOException when the command cannot be started (no such file, not executable)
     */
    public static Result run(List<String> argv, Map<String, String> env, Deadline deadline)
            throws IOException, InterruptedException {
        return run(argv, env, Path.of("/"), deadline);
    }

    /**
     * Runs {@code argv} in {@code directory} (a relative program path such as {@code bin/check} is found from
     * there).
     *
     * @throws IOException when the command cannot be started (no such file, not executable, no such directory)
     */
    public static Result run(List<String> argv, Map<String, String> env, Path directory, Deadline deadline)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path out = Files.createTempFile("duplex-exec", ".out");
        Path err = Files.createTempFile("duplex-exec", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .directory(directory.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean finished;
            try {
                finished = p.waitFor(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                killTree(p.toHandle());
                throw e;
            }
            int killed = finished ? 0 : killTree(p.toHandle());
            return new Result(finished ? p.exitValue() : -1, read(out), read(err), !finished, killed,
                    Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Kills a process and its descendants with SIGKILL; returns how many were alive. The descendants are listed
     * before anything is killed: once a parent dies its children are re-parented and no longer found from it.
     */
    public static int killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(0, root);
        int n = 0;
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                n++;
                h.destroyForcibly();
            }
        }
        return n;
    }

    private static String read(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
