package org.duplex.failover.fence;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.duplex.api.fence.FenceAgent;
import org.duplex.api.fence.FenceOperation;
import org.duplex.api.fence.FenceOutcome;
import org.duplex.api.model.NodeId;

/**
 * A fencing device whose type a plug-in provides: a {@link FenceAgent} service registered with
 * {@code duplex.fence.type} = the device's {@code type} (API {@code org.duplex.api.fence}). The agent is looked up
 * at every action, so a device configured before its plug-in was installed (or while it is being updated) works as
 * soon as the agent is there, and until then every action fails saying which plug-in type is missing.
 */
public final class PluginFenceDevice implements FenceDevice {

    private final FenceDeviceConfig config;
    private final Function<String, Optional<FenceAgent>> agents;

    public PluginFenceDevice(FenceDeviceConfig config, Function<String, Optional<FenceAgent>> agents) {
        this.config = config;
        this.agents = agents;
        agents.apply(config.type()).ifPresent(a -> {
            List<String> problems = a.validate(config.params(), config.nodes());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("fencing device " + config.name() + " (type " + config.type()
                        + "): " + String.join("; ", problems));
            }
        });
    }

    /** Why this device cannot act now (no plug-in provides its type), for a warning at configuration time. */
    public Optional<String> problem() {
        return agents.apply(config.type()).isPresent() ? Optional.empty()
                : Optional.of("no installed plug-in provides fencing device type '" + config.type()
                        + "' (install the plug-in that does, e.g. duplex-plugin-" + config.type() + ")");
    }

    @Override
    public FenceDeviceConfig config() {
        return config;
    }

    @Override
    public FenceResult run(FenceAction action, NodeId node) throws InterruptedException {
        long t0 = System.nanoTime();
        Optional<FenceAgent> agent = agents.apply(config.type());
        if (agent.isEmpty()) {
            return new FenceResult(config.name(), node, action, 2, problem().orElse(""), false, since(t0));
        }
        if (action == FenceAction.CYCLE) {
            FenceResult off = one(agent.get(), FenceOperation.OFF, FenceAction.CYCLE, node, config.timeout(), t0);
            if (!off.ok()) {
                return off;
            }
            Duration left = config.timeout().minus(since(t0));
            if (left.isNegative() || left.isZero()) {
                return new FenceResult(config.name(), node, action, -1, "off confirmed, no time left to power on",
                        true, since(t0));
            }
            FenceResult on = one(agent.get(), FenceOperation.ON, FenceAction.CYCLE, node, left, t0);
            return new FenceResult(config.name(), node, action, on.exit(), off.output() + "; " + on.output(),
                    on.timedOut(), since(t0));
        }
        FenceOperation op = switch (action) {
            case OFF -> FenceOperation.OFF;
            case ON -> FenceOperation.ON;
            default -> FenceOperation.STATUS;
        };
        return one(agent.get(), op, action, node, config.timeout(), t0);
    }

    private FenceResult one(FenceAgent agent, FenceOperation op, FenceAction action, NodeId node, Duration timeout,
                            long t0) throws InterruptedException {
        FenceOutcome o = agent.run(op, node, config.params(), timeout);
        int exit;
        if (o.timedOut()) {
            exit = -1;
        } else if (op == FenceOperation.STATUS) {
            exit = !o.done() ? 2 : o.power() == FenceOutcome.Power.ON ? 0 : o.power() == FenceOutcome.Power.OFF ? 1 : 2;
        } else {
            exit = o.done() ? 0 : 1;
        }
        return new FenceResult(config.name(), node, action, exit, o.detail(), o.timedOut(), since(t0));
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public String describeTarget() {
        Optional<FenceAgent> agent = agents.apply(config.type());
        return agent.map(a -> a.describeTarget(config.params()))
                .orElse("type " + config.type() + " (WARNING: " + problem().orElse("") + "; every fence through it"
                        + " fails)");
    }
}
