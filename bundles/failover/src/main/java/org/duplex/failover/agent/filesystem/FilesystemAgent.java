package org.duplex.failover.agent.filesystem;

import static org.duplex.failover.agent.Configured.since;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * Mounts a filesystem on the active node. Parameters: {@code device} (a block device, an image file with
 * {@code options=loop}, or a source such as {@code tmpfs}), {@code directory}, {@code fstype}, {@code options}
 * (default "defaults"). Stop unmounts; when the mount is busy it kills the remaining users
 * ({@code fuser -km}) and tries again, so that the storage can move. Combine with {@code volume=NAME} to take
 * the exclusive volume lock with the fencing epoch before mounting (done by the executor).
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + FilesystemAgent.TYPE,
        configurationPid = "org.duplex.failover.agent.filesystem", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FilesystemAgent.Config.class)
public class FilesystemAgent implements ResourceAgent, Killable {

    public static final String TYPE = "filesystem";

    @ObjectClassDefinition(name = "Duplex filesystem agent")
    public @interface Config {
        @AttributeDefinition(description = "Words put before every command (for example 'sudo -n'); empty: none")
        String command_prefix() default "";
    }

    private volatile CommandRunner runner;

    public FilesystemAgent() {
        this(CommandRunner.direct());
    }

    public FilesystemAgent(CommandRunner runner) {
        this.runner = runner;
    }

    @Activate
    void activate(Config config) {
        runner = CommandRunner.withPrefix(config.command_prefix());
    }

    @Override
    public String type() {
        return TYPE;
    }

    private record Fs(String device, Path directory, String fstype, String options) {
    }

    private static Fs parse(Resource r, List<String> problems) {
        Params p = new Params(r);
        String device = p.required("device");
        String dir = p.required("directory");
        String fstype = p.required("fstype");
        String options = p.optional("options", "defaults");
        p.check(dir.isEmpty() || dir.startsWith("/"), "directory must be an absolute path, was '" + dir + "'");
        p.check(!dir.equals("/"), "directory must not be /");
        p.check(!options.contains(" "), "options must not contain blanks");
        problems.addAll(p.problems());
        return problems.isEmpty() ? new Fs(device, Path.of(dir).normalize(), fstype, options) : null;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return Configured.problems(resource, FilesystemAgent::parse);
    }

    @Override
    public OperationResult start(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, FilesystemAgent::parse, (fs, t0) -> start(fs, r, timeout, t0));
    }

    private OperationResult start(Fs fs, Resource r, Duration timeout, long t0) throws InterruptedException {
        OperationResult now = monitor(r, timeout);
        if (now.isSuccess() || now.status() != OcfStatus.NOT_RUNNING) {
            return now.isSuccess() ? OperationResult.success("already " + now.reason(), since(t0)) : now;
        }
        try {
            Files.createDirectories(fs.directory);
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot create " + fs.directory + ": " + e.getMessage(),
                    since(t0));
        }
        CommandRunner.Result m = runner.run(List.of("mount", "-t", fs.fstype, "-o", fs.options, fs.device,
                fs.directory.toString()), timeout);
        if (!m.ok()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "mount " + fs.device + " on " + fs.directory + " failed: "
                    + m.describe(), since(t0));
        }
        return OperationResult.success(fs.device + " mounted on " + fs.directory + " (" + fs.fstype + ", "
                + fs.options + ")", since(t0));
    }

    @Override
    public OperationResult stop(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, FilesystemAgent::parse, (fs, t0) -> stop(fs, r, timeout, t0));
    }

    private OperationResult stop(Fs fs, Resource r, Duration timeout, long t0) throws InterruptedException {
        if (mountedSource(fs).isEmpty()) {
            return OperationResult.success(fs.directory + " not mounted", since(t0));
        }
        CommandRunner.Result u = runner.run(List.of("umount", fs.directory.toString()), timeout);
        if (u.ok() && mountedSource(fs).isEmpty()) {
            return OperationResult.success(fs.directory + " unmounted", since(t0));
        }
        // busy: the users of the mount go, then the mount
        CommandRunner.Result f = runner.run(List.of("fuser", "-km", fs.directory.toString()), timeout);
        for (int i = 0; i < 10 && mountedSource(fs).isPresent(); i++) {
            Thread.sleep(50);
            u = runner.run(List.of("umount", fs.directory.toString()), timeout);
        }
        if (mountedSource(fs).isEmpty()) {
            return OperationResult.success(fs.directory + " unmounted after killing its users (" + f.describe() + ")",
                    since(t0));
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot unmount " + fs.directory + ": " + u.describe(),
                since(t0));
    }

    @Override
    public OperationResult kill(Resource r, Duration timeout) throws InterruptedException {
        return stop(r, timeout);
    }

    @Override
    public OperationResult monitor(Resource r, Duration timeout) {
        return Configured.run(r, FilesystemAgent::parse, (fs, t0) -> monitor(fs, r, timeout, t0));
    }

    private OperationResult monitor(Fs fs, Resource r, Duration timeout, long t0) {
        Optional<String> source = mountedSource(fs);
        if (source.isEmpty()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, fs.directory + " is not mounted", since(t0));
        }
        if (!sameSource(source.get(), fs.device)) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, fs.directory + " holds " + source.get() + ", not "
                    + fs.device, since(t0));
        }
        return OperationResult.success(fs.device + " mounted on " + fs.directory, since(t0));
    }

    /** What is mounted on the directory (the last mount wins), from /proc/self/mounts. */
    private static Optional<String> mountedSource(Fs fs) {
        try {
            String found = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] w = line.split(" ");
                if (w.length > 2 && unescape(w[1]).equals(fs.directory.toString())) {
                    found = unescape(w[0]);
                }
            }
            return Optional.ofNullable(found);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean sameSource(String mounted, String device) {
        if (mounted.equals(device)) {
            return true;
        }
        try {
            // loop mounts show /dev/loopN: compare with the backing file
            if (mounted.startsWith("/dev/loop")) {
                Path backing = Path.of("/sys/block", mounted.substring(5), "loop", "backing_file");
                if (Files.exists(backing)) {
                    return Path.of(Files.readString(backing).trim()).toRealPath()
                            .equals(Path.of(device).toRealPath());
                }
            }
            return Path.of(mounted).toRealPath().equals(Path.of(device).toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
