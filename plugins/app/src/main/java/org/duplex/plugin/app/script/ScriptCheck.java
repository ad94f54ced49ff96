package org.duplex.plugin.app.script;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.app.check.Deadline;
import org.duplex.plugin.app.check.Params;

/**
 * A third-party check script with the OCF exit-code contract, as Pacemaker runs an agent's {@code monitor}:
 * {@code script} is run with {@code args} (default {@code monitor}), every other parameter in its environment as
 * {@code OCF_RESKEY_<name>} ('-' and '.' become '_'), plus {@code OCF_RESKEY_CRM_meta_timeout} (ms). Exit 0 is
 * healthy, 7 (not running) and 1-6 (errors) unhealthy, anything else unknown. A script still running at the
 * timeout is killed with every process it started, and counts as unhealthy: a hung check usually means a hung
 * service, and the binding would count the cut-off as a failure anyway.
 *
 * <p>Output goes to a temporary file rather than a pipe, so a daemon that inherits it can never make the check
 * wait. Free of OSGi so unit tests drive it directly.
 */
public final class ScriptCheck {

    static final int MAX_OUTPUT = 4096;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** The validated parameters: the command line and the OCF_RESKEY_* environment. */
    record Run(List<String> command, Map<String, String> env) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Run parse(Map<String, String> params, List<String> problems) {
        List<String> command = new ArrayList<>();
        String script = Params.required(params, "script", "the check script's absolute path, for example "
                + "script=/opt/app/check.sh", problems);
        if (script != null) {
            try {
                Path p = Path.of(script);
                // checked here so that ha:monitor-add catches a typo, and a node without the script says UNKNOWN
                // (bad parameters) rather than failing a service that may be fine
                if (!p.isAbsolute()) {
                    problems.add("script: '" + script + "' is not an absolute path");
                } else if (!Files.isRegularFile(p)) {
                    problems.add("script: " + script + " does not exist on this node (or is not a file)");
                } else if (!Files.isExecutable(p)) {
                    problems.add("script: " + script + " is not executable (chmod +x)");
                }
            } catch (InvalidPathException e) {
                problems.add("script: '" + script + "' is not a path: " + e.getReason());
            }
            command.add(script);
        }
        String args = params.getOrDefault("args", "monitor").strip();
        if (!args.isEmpty()) {
            command.addAll(List.of(args.split("\\s+")));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : params.keySet().stream().sorted().toList()) {
            if (key.equals("script") || key.equals("args")) {
                continue;
            }
            if (!KEY.matcher(key).matches()) {
                problems.add(key + ": not usable as the environment variable OCF_RESKEY_" + key
                        + " (letters, digits, _ . -, not starting with a digit)");
            } else {
                env.put("OCF_RESKEY_" + key.replace('-', '_').replace('.', '_'), params.get(key));
            }
        }
        return problems.isEmpty() ? new Run(command, env) : null;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) {
        Deadline deadline = Deadline.of(timeout);
        List<String> problems = new ArrayList<>();
        Run run = parse(params, problems);
        if (run == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        String what = String.join(" ", run.command());
        File out = null;
        try {
            out = File.createTempFile("duplex-script", ".out");
            ProcessBuilder pb = new ProcessBuilder(run.command()).redirectErrorStream(true)
                    .redirectOutput(out).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("OCF_RESKEY_"));
            env.putAll(run.env());
            env.put("OCF_RESKEY_CRM_meta_timeout", String.valueOf(timeout.toMillis()));
            env.putIfAbsent("OCF_ROOT", "/usr/lib/ocf");
            Process process = pb.start();
            boolean finished;
            try {
                finished = process.waitFor(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killTree(process);
                Thread.currentThread().interrupt();
                return HealthStatus.unknown(what + " interrupted (killed)", deadline.elapsed());
            }
            if (!finished) {
                int children = killTree(process);
                return HealthStatus.unhealthy(what + " did not finish within " + deadline.budgetMillis()
                        + " ms (killed, with " + children + " child process" + (children == 1 ? "" : "es") + ")"
                        + output(out), deadline.elapsed());
            }
            return verdict(what, process.exitValue(), deadline.elapsed(), output(out));
        } catch (IOException e) {
            return HealthStatus.unknown("cannot run " + what + ": " + Params.describe(e), deadline.elapsed());
        } finally {
            if (out != null && !out.delete()) {
                out.deleteOnExit();
            }
        }
    }

    static HealthStatus verdict(String what, int exit, Duration took, String output) {
        String said = what + " exited " + exit;
        String in = " in " + Deadline.millis(took) + output;
        if (exit == 0) {
            return HealthStatus.healthy(said + " (OCF_SUCCESS)" + in, took);
        }
        if (exit >= 1 && exit <= 7) {
            return HealthStatus.unhealthy(said + " (OCF_" + OcfStatus.fromExitCode(exit).name() + ")" + in, took);
        }
        return HealthStatus.unknown(said + ", not an OCF monitor code (0 running, 7 not running, 1-6 errors)" + in,
                took);
    }

    /**
     * Kills the script and everything it started; returns how many descendants there were. The tree is listed
     * before the script dies: afterwards its children are re-parented to init and no longer its descendants.
     */
    private static int killTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        return tree.size();
    }

    /** ": first output" for a reason, or nothing. */
    private static String output(File out) {
        try {
            byte[] b = Files.readAllBytes(out.toPath());
            String s = Params.excerpt(new String(b, 0, Math.min(b.length, MAX_OUTPUT), StandardCharsets.UTF_8), 200);
            return s.isEmpty() ? "" : ": " + s;
        } catch (IOException e) {
            return "";
        }
    }
}
