package org.duplex.failover.selffence;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the configured reboot command ({@code reboot.command}, default {@code systemctl reboot}) without a shell:
 * the words are split on white space, the first is the program. stdin from /dev/null, stdout and stderr merged
 * (first 4 KiB kept); killed with its children after {@code timeout}. Exit 0 counts as accepted.
 */
public final class ExecRebootAction implements RebootAction {

    private static final int KEEP = 4096;

    private final List<String> command;
    private final Duration timeout;

    public ExecRebootAction(String command, Duration timeout) {
        this.command = Arrays.stream(command.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        if (this.command.isEmpty()) {
            throw new IllegalArgumentException("reboot.command is empty");
        }
        this.timeout = timeout;
    }

    public List<String> command() {
        return command;
    }

    @Override
    public Outcome reboot(String reason) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(false, String.join(" ", command) + " could not run: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "duplex-reboot-output");
        reader.setDaemon(true);
        reader.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        reader.join(1000);
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8).strip();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String head = String.join(" ", command) + (done ? " -> exit " + p.exitValue() : " -> killed after "
                + timeout.toMillis() + " ms") + " in " + ms + " ms" + (text.isEmpty() ? "" : ": " + text);
        return new Outcome(done && p.exitValue() == 0, head);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < KEEP) {
                        out.write(buf, 0, Math.min(n, KEEP - out.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process went away
        }
    }
}
