package org.duplex.plugin.os.command;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.param.Params;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Exec;

/**
 * Runs a command; its exit code is the verdict. {@code command} is split at white space into the program and its
 * arguments and run without a shell (quotes, {@code $}, {@code ;} are plain characters); {@code arg.N} adds one
 * argument each, verbatim, in the order of N; {@code shell=true} runs {@code /bin/sh -c COMMAND} instead, with the
 * {@code arg.N} as {@code $1...}.
 *
 * <p>A command still running at the timeout is killed with every process it started and the check is
 * {@code UNHEALTHY}, not {@code UNKNOWN}: the failover engine counts a monitor that hangs as failed, and a health
 * command that hangs is most often talking to a service that hangs. A command that cannot be started at all
 * (missing, not executable) is {@code UNKNOWN}: that says nothing about the service.
 */
public final class CommandCheck {

    public static final String TYPE = "command";

    private static final int MAX_REASON = 300;

    /** Karaf's working directory: a relative program path (bin/check) is found from there, not from /. */
    private static final Path WORKING_DIR = Path.of("").toAbsolutePath();

    /** How exit codes map to verdicts. */
    enum ExitCodes {
        /** 0 healthy, anything else unhealthy. */
        PLAIN,
        /** The Nagios plug-in convention: 0 OK, 1 WARNING (degraded), 2 CRITICAL, 3 and others UNKNOWN. */
        NAGIOS
    }

    record Spec(List<String> argv, ExitCodes codes) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Spec parse(Map<String, String> params, List<String> problems) {
        Params p = new Params(TYPE, params, knownKeys(params));
        String command = p.required("command", "the program and its arguments, for example "
                + "command=/usr/local/bin/check-app --quick");
        boolean shell = p.flag("shell", false);
        ExitCodes codes = ExitCodes.PLAIN;
        String c = p.text("exit-codes").orElse("plain").toLowerCase(Locale.ROOT);
        switch (c) {
            case "plain" -> codes = ExitCodes.PLAIN;
            case "nagios" -> codes = ExitCodes.NAGIOS;
            default -> p.problem("exit-codes: '" + c + "' is not plain (0 healthy, other unhealthy) or nagios "
                    + "(0 ok, 1 degraded, 2 unhealthy, 3 unknown)");
        }
        TreeMap<Integer, String> args = new TreeMap<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) { // sorted: the same order of errors every time
            if (e.getKey().startsWith("arg.")) {
                String n = e.getKey().substring(4);
                try {
                    int i = Integer.parseInt(n);
                    if (i < 1) {
                        throw new NumberFormatException();
                    }
                    args.put(i, e.getValue());
                } catch (NumberFormatException ex) {
                    p.problem(e.getKey() + ": '" + n + "' is not a positive number (arguments are arg.1, arg.2, ...)");
                }
            }
        }
        problems.addAll(p.problems());
        if (!problems.isEmpty()) {
            return null;
        }
        List<String> argv = new ArrayList<>();
        if (shell) {
            argv.addAll(List.of("/bin/sh", "-c", command, "duplex-command-monitor"));
        } else {
            argv.addAll(List.of(command.split("\\s+")));
        }
        argv.addAll(args.values());
        return new Spec(argv, codes);
    }

    private static Set<String> knownKeys(Map<String, String> params) {
        Set<String> keys = new HashSet<>(List.of("command", "shell", "exit-codes"));
        params.keySet().stream().filter(k -> k.startsWith("arg.")).forEach(keys::add);
        return keys;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.within(timeout);
        List<String> problems = new ArrayList<>();
        Spec spec = parse(params, problems);
        if (spec == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        String name = "command " + (spec.argv().get(0).equals("/bin/sh") ? "'" + params.get("command").trim() + "'"
                : spec.argv().get(0));
        Exec.Result r;
        try {
            r = Exec.run(spec.argv(), Map.of(), WORKING_DIR, deadline);
        } catch (IOException e) {
            return HealthStatus.unknown("cannot run " + name + ": " + e.getMessage(), deadline.elapsed());
        }
        if (r.timedOut()) {
            return HealthStatus.unhealthy(name + " did not finish within " + deadline.budgetText() + " (killed, "
                    + r.killed() + (r.killed() == 1 ? " process)" : " processes)"), deadline.elapsed());
        }
        String line = r.firstLine();
        String reason = name + " exit " + r.exit() + (line.isEmpty() ? "" : ": " + cut(line));
        if (r.exit() == 0) {
            return HealthStatus.healthy(name + " exit 0" + (line.isEmpty() ? "" : ": " + cut(line)),
                    deadline.elapsed());
        }
        if (spec.codes() == ExitCodes.NAGIOS) {
            return switch (r.exit()) {
                case 1 -> new HealthStatus(Health.DEGRADED, reason, deadline.elapsed());
                case 2 -> HealthStatus.unhealthy(reason, deadline.elapsed());
                default -> HealthStatus.unknown(reason, deadline.elapsed());
            };
        }
        return HealthStatus.unhealthy(reason, deadline.elapsed());
    }

    private static String cut(String line) {
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "...";
    }
}
