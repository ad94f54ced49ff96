package org.duplex.plugin.backup.restic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one external command with an explicit timeout; on timeout or {@link Cancel#cancel()} the process gets
 * SIGINT (restic then removes its lock), then, after a grace period, SIGKILL with its whole process tree (restic runs ssh as a child for sftp: repositories, and that
 * child must not outlive it). stdout is handed over line by line; stderr is kept (capped) for the error message.
 */
public final class ProcessRunner {

    private static final int STDERR_CAP = 16 * 1024;

    /** The outcome of one run. {@code exitCode} is -1 when the process was killed. */
    public record Result(int exitCode, boolean timedOut, boolean cancelled, String stderr, Duration elapsed) {
    }

    /** A handle to stop a running command from another thread (agent stop, node shutdown). */
    public static final class Cancel {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Runnable onCancel = () -> { };

        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                onCancel.run();
            }
        }

        public boolean isCancelled() {
            return cancelled.get();
        }

        void onCancel(Runnable r) {
            onCancel = r;
            if (cancelled.get()) {
                r.run();
            }
        }
    }

    private final Duration grace;

    /** @param grace how long a process may take to exit after SIGINT before it (and its children) get SIGKILL */
    public ProcessRunner(Duration grace) {
        this.grace = grace;
    }

    public Result run(List<String> command, Map<String, String> env, Duration timeout, Consumer<String> stdoutLine,
                      Cancel cancel) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return runAll(List.of(pb), timeout, stdoutLine, cancel).get(0);
    }

    /** The outcomes of a two-command pipeline. */
    public record PipeResult(Result producer, Result consumer) {
    }

    /**
     * Runs {@code producer | consumer} (the kernel pipes the bytes; nothing passes through the JVM) under one
     * timeout and one cancel, which stop both. The consumer's stdout goes to {@code stdoutLine}.
     */
    public PipeResult runPiped(List<String> producer, Map<String, String> producerEnv, List<String> consumer,
                               Map<String, String> consumerEnv, Duration timeout, Consumer<String> stdoutLine,
                               Cancel cancel) throws IOException, InterruptedException {
        ProcessBuilder a = new ProcessBuilder(producer);
        a.environment().putAll(producerEnv);
        ProcessBuilder b = new ProcessBuilder(consumer);
        b.environment().putAll(consumerEnv);
        List<Result> r = runAll(List.of(a, b), timeout, stdoutLine, cancel);
        return new PipeResult(r.get(0), r.get(1));
    }

    private List<Result> runAll(List<ProcessBuilder> builders, Duration timeout, Consumer<String> stdoutLine,
                                Cancel cancel) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        builders.get(0).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        for (ProcessBuilder pb : builders) {
            pb.directory(new java.io.File("/")); // a command run as another OS user may not enter Karaf's directory
        }
        List<Process> procs = builders.size() == 1 ? List.of(builders.get(0).start())
                : ProcessBuilder.startPipeline(builders);
        Process last = procs.get(procs.size() - 1);
        List<StringBuilder> errs = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        for (Process p : procs) {
            StringBuilder err = new StringBuilder();
            errs.add(err);
            pumps.add(pump(p.getErrorStream(), line -> {
                synchronized (err) {
                    if (err.length() < STDERR_CAP) {
                        err.append(line).append('\n');
                    }
                }
            }, "restic-stderr-" + p.pid()));
        }
        pumps.add(pump(last.getInputStream(), stdoutLine, "restic-stdout-" + last.pid()));
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stopAll = () -> {
            if (stopping.compareAndSet(false, true)) {
                for (Process p : procs) {
                    new Thread(() -> terminate(p), "restic-stop-" + p.pid()).start();
                }
            }
        };
        Cancel c = cancel == null ? new Cancel() : cancel;
        c.onCancel(stopAll);
        boolean timedOut = false;
        long deadline = t0 + timeout.toNanos();
        try {
            for (int i = procs.size() - 1; i >= 0; i--) { // the last one first: it ends when its input does
                Process p = procs.get(i);
                long left = Math.max(0, deadline - System.nanoTime());
                if (!timedOut && !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    timedOut = true;
                    stopAll.run();
                }
                if (timedOut) {
                    p.waitFor(grace.toMillis() + 2000, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            // the caller is going away (shutdown, a disabled job): restic must be gone before it returns, or it
            // would still write into a repository or directory the caller is about to reuse or remove
            stopAll.run();
            awaitExit(procs, grace.plusSeconds(2));
            throw e;
        } finally {
            c.onCancel(() -> { });
        }
        for (Thread t : pumps) {
            t.join(2000);
        }
        boolean killed = timedOut || c.isCancelled();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < procs.size(); i++) {
            Process p = procs.get(i);
            int code = p.isAlive() ? -1 : p.exitValue();
            String stderr;
            synchronized (errs.get(i)) {
                stderr = errs.get(i).toString();
            }
            results.add(new Result(killed ? -1 : code, timedOut, c.isCancelled() && !timedOut, stderr, elapsed));
        }
        return results;
    }

    /** Waits up to {@code bound} for every process to exit, ignoring (and keeping) an interrupt. */
    private static void awaitExit(List<Process> procs, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        for (Process p : procs) {
            while (p.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    p.waitFor(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGINT to the process (restic's own "cleaning up" path: it stops, removes its lock and exits; SIGTERM would
     * leave the lock behind in restic 0.14), wait up to the grace period, then SIGKILL the process and every
     * descendant left (ssh for sftp: repositories).
     */
    void terminate(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        p.toHandle().descendants().forEach(tree::add);
        if (!interrupt(p.pid())) {
            p.destroy();
        }
        try {
            p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.toHandle().descendants().forEach(tree::add);
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static boolean interrupt(long pid) {
        try {
            Process k = new ProcessBuilder("kill", "-s", "INT", Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return k.waitFor(5, TimeUnit.SECONDS) && k.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Thread pump(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended or was killed: nothing more to read
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
