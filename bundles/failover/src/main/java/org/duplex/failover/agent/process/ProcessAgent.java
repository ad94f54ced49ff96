package org.duplex.failover.agent.process;

import static org.duplex.failover.agent.Configured.since;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.duplex.failover.agent.CommandRunner;
import org.duplex.failover.agent.Configured;
import org.duplex.failover.agent.Params;
import org.duplex.failover.executor.Killable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Processes, services and scripts. One of four modes, by parameter:
 * <ul>
 *   <li>{@code script=/path}: a third-party script with the OCF contract ({@code script start|stop|monitor},
 *       parameters as {@code OCF_RESKEY_<name>} environment variables, exit 0 running/success, 7 stopped,
 *       anything else an error) - see README;</li>
 *   <li>{@code unit=name.service}: a systemd unit ({@code systemctl start/stop/is-active});</li>
 *   <li>{@code command=...}: a daemon Duplex starts itself in its own session, its pid kept in {@code pidfile}
 *       (default {@code <run-dir>/<resource>.pid}), output to {@code log} (default /dev/null);</li>
 *   <li>{@code start=... stop=... monitor=...}: shell commands, the monitor with OCF exit codes (or
 *       {@code pidfile=} instead of a monitor command).</li>
 * </ul>
 * In every mode {@code watch=regex1;regex2} adds processes (matched against their full command line) that must
 * all run, so that one resource watches several processes. {@code stop-grace} (default 5s, capped by the stop
 * timeout) is how long a TERM may take.
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + ProcessAgent.TYPE,
        configurationPid = "org.duplex.failover.agent.process", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ProcessAgent.Config.class)
public class ProcessAgent implements ResourceAgent, Killable {

    public static final String TYPE = "process";

    @ObjectClassDefinition(name = "Duplex process agent")
    public @interface Config {
        @AttributeDefinition(description = "Directory for pid files of command= resources")
        String run_dir() default "/run/duplex";

        @AttributeDefinition(description = "Words put before every command (for example 'sudo -n'); empty: none")
        String command_prefix() default "";
    }

    private volatile CommandRunner runner;
    private volatile Path runDir;

    public ProcessAgent() {
        this(CommandRunner.direct(), Path.of("/run/duplex"));
    }

    public ProcessAgent(CommandRunner runner, Path runDir) {
        this.runner = runner;
        this.runDir = runDir;
    }

    @Activate
    void activate(Config config) {
        runner = CommandRunner.withPrefix(config.command_prefix());
        runDir = Path.of(config.run_dir());
    }

    @Override
    public String type() {
        return TYPE;
    }

    private enum Mode { SCRIPT, UNIT, COMMAND, COMMANDS }

    private record Spec(Mode mode, Map<String, String> p, Optional<Path> pidfile, List<Pattern> watch, Duration grace) {
    }

    private Spec spec(Resource r, List<String> problems) {
        Params p = new Params(r);
        Map<String, String> all = r.params();
        List<Mode> modes = new ArrayList<>();
        if (all.containsKey("script")) {
            modes.add(Mode.SCRIPT);
        }
        if (all.containsKey("unit")) {
            modes.add(Mode.UNIT);
        }
        if (all.containsKey("command")) {
            modes.add(Mode.COMMAND);
        }
        if (all.containsKey("start")) {
            modes.add(Mode.COMMANDS);
        }
        if (modes.size() != 1) {
            problems.add(r.id() + ": give exactly one of script=, unit=, command= or start=/stop=/monitor=, got "
                    + (modes.isEmpty() ? "none" : modes.toString().toLowerCase(Locale.ROOT)));
            return null;
        }
        Mode mode = modes.get(0);
        if (mode == Mode.SCRIPT) {
            p.check(new File(all.get("script")).isAbsolute(), "script must be an absolute path");
        }
        if (mode == Mode.COMMANDS) {
            p.required("stop");
            p.check(all.containsKey("monitor") || all.containsKey("pidfile") || all.containsKey("watch"),
                    "start= needs monitor=, pidfile= or watch= to know whether it runs");
        }
        Optional<Path> pidfile = Optional.ofNullable(all.get("pidfile")).map(Path::of);
        if (mode == Mode.COMMAND && pidfile.isEmpty()) {
            pidfile = Optional.of(runDir.resolve(r.id() + ".pid"));
        }
        List<Pattern> watch = new ArrayList<>();
        for (String w : p.optional("watch", "").split(";")) {
            if (!w.isBlank()) {
                try {
                    watch.add(Pattern.compile(w.trim()));
                } catch (PatternSyntaxException e) {
                    p.check(false, "watch pattern '" + w + "' is not a regular expression: " + e.getDescription());
                }
            }
        }
        Duration grace = Duration.ofSeconds(p.integer("stop-grace", 5, 0, 3600));
        problems.addAll(p.problems());
        return problems.isEmpty() ? new Spec(mode, all, pidfile, watch, grace) : null;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        List<String> problems = new ArrayList<>();
        Spec s = spec(resource, problems);
        if (s != null && s.mode == Mode.SCRIPT && !new File(s.p.get("script")).canExecute()) {
            problems.add(resource.id() + ": script " + s.p.get("script") + " is not an executable file");
        }
        return problems;
    }

    // ---- operations ---------------------------------------------------------------------------------------

    @Override
    public OperationResult start(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, this::spec, (s, t0) -> start(s, r, timeout, t0));
    }

    private OperationResult start(Spec s, Resource r, Duration timeout, long t0) throws InterruptedException {
        OperationResult now = monitor(r, timeout);
        if (now.isSuccess()) {
            return OperationResult.success(r.id() + " already running: " + now.reason(), since(t0));
        }
        switch (s.mode) {
            case SCRIPT:
                return fromExit(script(s, r, "start", timeout), "start", t0);
            case UNIT:
                return fromExit(runner.run(List.of("systemctl", "start", s.p.get("unit")), timeout), "start", t0);
            case COMMANDS:
                OperationResult started = fromExit(sh(s.p.get("start"), r, timeout), "start", t0);
                return started.isSuccess() ? settle(r, timeout, t0, started) : started;
            default:
                return spawn(s, r, timeout, t0);
        }
    }

    /** command= mode: start the daemon in its own session, keep its pid. */
    private OperationResult spawn(Spec s, Resource r, Duration timeout, long t0) throws InterruptedException {
        Path pidfile = s.pidfile.orElseThrow();
        try {
            Files.createDirectories(pidfile.toAbsolutePath().getParent());
            List<String> cmd = new ArrayList<>(runner.prefix());
            cmd.addAll(List.of("setsid", "sh", "-c", "exec " + s.p.get("command")));
            File log = new File(s.p.getOrDefault("log", "/dev/null"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(ocfEnv(r));
            Process p = pb.start();
            Files.writeString(pidfile, p.pid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot start '" + s.p.get("command") + "': "
                    + e.getMessage(), since(t0));
        }
        return settle(r, timeout, t0, OperationResult.success("started", since(t0)));
    }

    /**
     * A process that dies right after starting failed to start; watched processes get a moment to appear
     * (up to {@code start-settle}, default 2 s, capped by half the start timeout).
     */
    private OperationResult settle(Resource r, Duration timeout, long t0, OperationResult started)
            throws InterruptedException {
        long settle = Math.min(new Params(r).integer("start-settle-ms", 2000, 0, 600_000), timeout.toMillis() / 2);
        long deadline = System.nanoTime() + settle * 1_000_000L;
        Thread.sleep(Math.min(50, settle));
        OperationResult check = monitor(r, timeout);
        while (!check.isSuccess() && check.status() != OcfStatus.NOT_RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20);
            check = monitor(r, timeout);
        }
        if (check.isSuccess()) {
            return OperationResult.success(r.id() + " started: " + check.reason(), since(t0));
        }
        return OperationResult.of(check.status() == OcfStatus.NOT_RUNNING ? OcfStatus.ERR_GENERIC : check.status(),
                r.id() + " exited right after start or is incomplete: " + check.reason(), since(t0));
    }

    @Override
    public OperationResult stop(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, this::spec, (s, t0) -> stop(s, r, timeout, t0));
    }

    private OperationResult stop(Spec s, Resource r, Duration timeout, long t0) throws InterruptedException {
        OperationResult result;
        switch (s.mode) {
            case SCRIPT:
                result = fromExit(script(s, r, "stop", timeout), "stop", t0);
                break;
            case UNIT:
                result = fromExit(runner.run(List.of("systemctl", "stop", s.p.get("unit")), timeout), "stop", t0);
                break;
            case COMMANDS:
                result = fromExit(sh(s.p.get("stop"), r, timeout), "stop", t0);
                break;
            default:
                result = OperationResult.success("no process", since(t0));
                Optional<ProcessHandle> h = pid(s);
                if (h.isPresent()) {
                    terminate(List.of(h.get()), s, timeout);
                }
        }
        // watched processes go too; TERM first, the executor escalates to kill if they stay
        terminate(watched(s), s, timeout);
        OperationResult after = monitor(r, timeout);
        if (after.status() == OcfStatus.NOT_RUNNING) {
            s.pidfile.filter(x -> s.mode == Mode.COMMAND).ifPresent(f -> f.toFile().delete());
            return OperationResult.success(r.id() + " stopped", since(t0));
        }
        return OperationResult.of(result.isSuccess() ? OcfStatus.ERR_GENERIC : result.status(),
                r.id() + " still running after stop: " + after.reason() + " (stop: " + result.reason() + ")",
                since(t0));
    }

    @Override
    public OperationResult monitor(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, this::spec, (s, t0) -> monitor(s, r, timeout, t0));
    }

    private OperationResult monitor(Spec s, Resource r, Duration timeout, long t0) throws InterruptedException {
        OperationResult main;
        switch (s.mode) {
            case SCRIPT:
                main = fromExit(script(s, r, "monitor", timeout), "monitor", t0);
                break;
            case UNIT:
                CommandRunner.Result u = runner.run(List.of("systemctl", "is-active", "--quiet", s.p.get("unit")),
                        timeout);
                // is-active: 0 active, 3 inactive; the LSB "not running" code
                main = u.exit() == 0 ? OperationResult.success(s.p.get("unit") + " active", since(t0))
                        : u.exit() == 3 ? OperationResult.of(OcfStatus.NOT_RUNNING, s.p.get("unit") + " inactive",
                        since(t0)) : OperationResult.of(OcfStatus.ERR_GENERIC, "systemctl is-active "
                        + s.p.get("unit") + ": " + u.describe(), since(t0));
                break;
            case COMMANDS:
                if (s.p.containsKey("monitor")) {
                    main = fromExit(sh(s.p.get("monitor"), r, timeout), "monitor", t0);
                    break;
                }
                // fall through: pid file or watch patterns decide
            default:
                if (s.pidfile.isPresent()) {
                    Optional<ProcessHandle> h = pid(s);
                    main = h.isPresent() ? OperationResult.success("pid " + h.get().pid() + " alive", since(t0))
                            : OperationResult.of(OcfStatus.NOT_RUNNING, "no live process in " + s.pidfile.get(),
                            since(t0));
                } else {
                    main = null;
                }
        }
        List<String> missing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (Pattern w : s.watch) {
            (ProcessHandle.allProcesses().anyMatch(h -> matches(h, w)) ? present : missing).add(w.pattern());
        }
        if (main == null) {
            main = missing.isEmpty() ? OperationResult.success("all watched processes run", since(t0))
                    : OperationResult.of(OcfStatus.NOT_RUNNING, "no watched process runs", since(t0));
            if (!missing.isEmpty() && !present.isEmpty()) {
                main = OperationResult.of(OcfStatus.ERR_GENERIC, "watched process missing: " + missing, since(t0));
            }
            return main;
        }
        if (main.isSuccess() && !missing.isEmpty()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, main.reason() + " but watched process missing: "
                    + String.join(", ", missing), since(t0));
        }
        if (main.status() == OcfStatus.NOT_RUNNING && !present.isEmpty()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, main.reason() + " but watched processes still run: "
                    + String.join(", ", present), since(t0));
        }
        return main;
    }

    /** SIGKILL the main process (and its children) and every watched process. */
    @Override
    public OperationResult kill(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, this::spec, (s, t0) -> kill(s, r, timeout, t0));
    }

    private OperationResult kill(Spec s, Resource r, Duration timeout, long t0) throws InterruptedException {
        List<ProcessHandle> victims = new ArrayList<>(watched(s));
        pid(s).ifPresent(victims::add);
        List<String> killed = new ArrayList<>();
        for (ProcessHandle h : victims) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            if (h.destroyForcibly()) {
                killed.add(Long.toString(h.pid()));
            }
        }
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Duration.ofSeconds(2).toNanos());
        while (victims.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Long> survivors = victims.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        return survivors.isEmpty() ? OperationResult.success("SIGKILL sent to " + killed, since(t0))
                : OperationResult.of(OcfStatus.ERR_GENERIC, "still alive after SIGKILL: " + survivors, since(t0));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private void terminate(List<ProcessHandle> handles, Spec s, Duration timeout) throws InterruptedException {
        if (handles.isEmpty()) {
            return;
        }
        handles.forEach(ProcessHandle::destroy);
        long grace = Math.min(s.grace.toNanos(), timeout.toNanos() / 2);
        long deadline = System.nanoTime() + grace;
        while (handles.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private List<ProcessHandle> watched(Spec s) {
        List<ProcessHandle> out = new ArrayList<>();
        for (Pattern w : s.watch) {
            ProcessHandle.allProcesses().filter(h -> matches(h, w)).forEach(out::add);
        }
        return out;
    }

    private static boolean matches(ProcessHandle h, Pattern w) {
        if (h.pid() == ProcessHandle.current().pid()) {
            return false;
        }
        return w.matcher(commandLine(h)).find();
    }

    /** The command line as {@code pgrep -f} sees it (/proc/PID/cmdline, arguments joined by blanks). */
    static String commandLine(ProcessHandle h) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return h.info().commandLine().orElse("");
        }
    }

    /** The live process named by the pid file, if any (a zombie or a recycled pid of another user is not). */
    private static Optional<ProcessHandle> pid(Spec s) {
        if (s.pidfile.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(s.pidfile.get(), StandardCharsets.UTF_8).trim();
            long pid = Long.parseLong(text);
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isPresent()) {
                Path stat = Path.of("/proc", Long.toString(pid), "stat");
                if (Files.exists(stat)) {
                    String st = Files.readString(stat);
                    int close = st.lastIndexOf(')');
                    if (close > 0 && close + 2 < st.length() && st.charAt(close + 2) == 'Z') {
                        return Optional.empty();
                    }
                }
            }
            return h;
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private CommandRunner.Result script(Spec s, Resource r, String action, Duration timeout)
            throws InterruptedException {
        return runner.run(List.of(s.p.get("script"), action), timeout, ocfEnv(r));
    }

    private CommandRunner.Result sh(String command, Resource r, Duration timeout) throws InterruptedException {
        return runner.run(List.of("sh", "-c", command), timeout, ocfEnv(r));
    }

    /** OCF_RESKEY_name=value for every parameter ('-' and '.' become '_'), plus the resource's name. */
    static Map<String, String> ocfEnv(Resource r) {
        Map<String, String> env = new LinkedHashMap<>();
        r.params().forEach((k, v) -> env.put("OCF_RESKEY_" + k.replace('-', '_').replace('.', '_'), v));
        env.put("OCF_RESOURCE_INSTANCE", r.id().value());
        env.put("OCF_RESOURCE_TYPE", TYPE);
        return env;
    }

    private static OperationResult fromExit(CommandRunner.Result res, String action, long t0) {
        if (res.timedOut()) {
            return OperationResult.of(OcfStatus.TIMEOUT, action + " " + res.describe(), since(t0));
        }
        OcfStatus st = OcfStatus.fromExitCode(res.exit());
        return OperationResult.of(st, action + " " + res.describe(), since(t0));
    }
}
