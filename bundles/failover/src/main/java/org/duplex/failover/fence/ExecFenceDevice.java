package org.duplex.failover.fence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.failover.agent.CommandRunner;

/**
 * {@code type = exec}: runs {@code <command> <action> <node>} directly (no shell, so nothing in the node name or
 * the command is interpreted), stdin from /dev/null, stdout and stderr captured. Exit 0 = success (for
 * {@code status}: 0 = powered/connected, 1 = off, anything else = error). After {@code timeout} the command and
 * every process it started are killed and the action counts as failed.
 */
public final class ExecFenceDevice implements FenceDevice {

    private final FenceDeviceConfig config;
    private final Path command;
    private final CommandRunner runner = CommandRunner.direct();

    public ExecFenceDevice(FenceDeviceConfig config) {
        this.config = config;
        String c = config.param("command");
        if (c.isBlank()) {
            throw new IllegalArgumentException("fencing device " + config.name() + ": command is missing "
                    + "(command = /absolute/path/to/script, called as: script off|on|status NODE)");
        }
        Path p = Path.of(c);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("fencing device " + config.name() + ": command '" + c
                    + "' must be an absolute path (it is run without a shell or PATH lookup)");
        }
        this.command = p;
    }

    /** Why the command cannot run now (missing, not executable), for a warning at configuration time. */
    public Optional<String> problem() {
        if (!Files.exists(command)) {
            return Optional.of(command + " does not exist");
        }
        if (!Files.isExecutable(command)) {
            return Optional.of(command + " is not executable");
        }
        return Optional.empty();
    }

    @Override
    public FenceDeviceConfig config() {
        return config;
    }

    @Override
    public FenceResult run(FenceAction action, NodeId node) throws InterruptedException {
        CommandRunner.Result r = runner.run(List.of(command.toString(), action.word(), node.value()),
                config.timeout());
        return new FenceResult(config.name(), node, action, r.exit(), r.output(), r.timedOut(), r.elapsed());
    }

    @Override
    public String describeTarget() {
        return "command=" + command + problem().map(p -> " (WARNING: " + p + ")").orElse("");
    }
}
