package org.duplex.failover.fence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.failover.agent.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type = ipmi}: power control of each node's BMC over IPMI v2.0 LAN (RMCP+, {@code ipmitool -I lanplus}),
 * as Pacemaker's fence_ipmilan does. {@code off} asks for power off and then reads {@code chassis power status}
 * back every {@code poll.interval} until the BMC says off: only that read-back is a success, never the request
 * alone. {@code on} is confirmed the same way; {@code status} answers 0 = on, 1 = off, 2 = the BMC could not tell;
 * {@code cycle} is off (confirmed) then on (confirmed). The whole action, every ipmitool call and read included,
 * ends within {@code timeout} ({@code cycle}: twice that): an ipmitool that has not answered by then is killed.
 *
 * <p>The clock and the command runner are injected, so the confirm loop is tested without sleeping.
 */
public final class IpmiFenceDevice implements FenceDevice {

    private static final Logger LOG = LoggerFactory.getLogger(IpmiFenceDevice.class);

    /** Runs one ipmitool command line within a bound (the real one kills it and its children after it). */
    @FunctionalInterface
    public interface Runner {
        CommandRunner.Result run(List<String> command, Duration timeout) throws InterruptedException;
    }

    /** Monotonic time and waiting; the tests advance a virtual one. */
    public interface Ticker {
        long nanoTime();

        void sleep(Duration d) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                Thread.sleep(Math.max(0, d.toMillis()));
            }
        };
    }

    /** Exit codes of an ipmi device's results (the exec contract's). */
    static final int OK = 0;
    static final int STATUS_OFF = 1;
    static final int FAILED = 2;
    /** The shortest bound worth giving one ipmitool call. */
    private static final Duration MIN_CALL = Duration.ofMillis(100);

    private final FenceDeviceConfig config;
    private final IpmiSettings settings;
    private final Runner runner;
    private final Ticker ticker;

    public IpmiFenceDevice(FenceDeviceConfig config) {
        this(config, CommandRunner.direct()::run, Ticker.SYSTEM);
    }

    public IpmiFenceDevice(FenceDeviceConfig config, Runner runner, Ticker ticker) {
        this.config = config;
        this.settings = IpmiSettings.parse(config);
        this.runner = runner;
        this.ticker = ticker;
    }

    public IpmiSettings settings() {
        return settings;
    }

    /** Why actions cannot work now (ipmitool missing, the password file changed), for a warning at configuration. */
    public Optional<String> problem() {
        if (!java.nio.file.Files.isExecutable(settings.ipmitool())) {
            return Optional.of(settings.ipmitool() + " is not installed or not executable (Debian: apt-get install "
                    + "ipmitool)");
        }
        return IpmiSettings.passwordProblem(settings.passwordFile());
    }

    @Override
    public FenceDeviceConfig config() {
        return config;
    }

    @Override
    public String describeTarget() {
        StringBuilder sb = new StringBuilder("ipmi lanplus user=").append(settings.user()).append(" privilege=")
                .append(settings.privilege().word()).append(" cipher.suite=").append(settings.cipherSuite())
                .append(" bmc:");
        settings.bmcs().forEach((n, b) -> sb.append(' ').append(n).append('=').append(b));
        return sb.toString() + problem().map(p -> " (WARNING: " + p + ")").orElse("");
    }

    @Override
    public FenceResult run(FenceAction action, NodeId node) throws InterruptedException {
        long t0 = ticker.nanoTime();
        IpmiSettings.Bmc bmc = settings.bmcs().get(node);
        if (bmc == null) {
            return result(node, action, FAILED, "no bmc." + node + " in this device (nodes = "
                    + config.nodes() + ")", false, t0);
        }
        Optional<String> pw = IpmiSettings.passwordProblem(settings.passwordFile());
        if (pw.isPresent()) {
            LOG.error("fencing device {}: {}; not calling the BMC of {}", config.name(), pw.get(), node);
            return result(node, action, FAILED, pw.get(), false, t0);
        }
        Duration bound = action == FenceAction.CYCLE ? settings.timeout().multipliedBy(2) : settings.timeout();
        long deadline = t0 + bound.toNanos();
        Attempt a = new Attempt(node, bmc, deadline);
        return switch (action) {
            case STATUS -> a.status(t0);
            case OFF -> a.power("off", IpmiTool.Power.OFF, action, t0, List.of());
            case ON -> a.power("on", IpmiTool.Power.ON, action, t0, List.of());
            case CYCLE -> {
                FenceResult off = a.power("off", IpmiTool.Power.OFF, action, t0, List.of());
                yield off.ok() ? a.power("on", IpmiTool.Power.ON, action, t0, List.of(off.output())) : off;
            }
        };
    }

    private FenceResult result(NodeId node, FenceAction action, int exit, String output, boolean timedOut, long t0) {
        return new FenceResult(config.name(), node, action, exit, output, timedOut,
                Duration.ofNanos(ticker.nanoTime() - t0));
    }

    /** One action against one BMC, with its deadline. */
    private final class Attempt {
        private final NodeId node;
        private final IpmiSettings.Bmc bmc;
        private final long deadline;

        Attempt(NodeId node, IpmiSettings.Bmc bmc, long deadline) {
            this.node = node;
            this.bmc = bmc;
            this.deadline = deadline;
        }

        private Duration remaining() {
            return Duration.ofNanos(deadline - ticker.nanoTime());
        }

        private String key() {
            return "bmc." + node.value();
        }

        /** One ipmitool call bounded by what is left of the deadline; empty when nothing is left. */
        private Optional<CommandRunner.Result> call(String word) throws InterruptedException {
            Duration left = remaining();
            if (left.compareTo(MIN_CALL) < 0) {
                return Optional.empty();
            }
            return Optional.of(runner.run(IpmiTool.command(settings, bmc, word), left));
        }

        FenceResult status(long t0) throws InterruptedException {
            Optional<CommandRunner.Result> r = call("status");
            if (r.isEmpty() || r.get().timedOut()) {
                return result(node, FenceAction.STATUS, -1, "no answer from the BMC at " + bmc + " within "
                        + settings.timeout().toMillis() + " ms: check " + key() + " and the network path", true, t0);
            }
            IpmiTool.Power p = r.get().exit() == 0 ? IpmiTool.power(r.get().output()) : IpmiTool.Power.UNKNOWN;
            return switch (p) {
                case ON -> result(node, FenceAction.STATUS, OK, "Chassis Power is on", false, t0);
                case OFF -> result(node, FenceAction.STATUS, STATUS_OFF, "Chassis Power is off", false, t0);
                default -> result(node, FenceAction.STATUS, FAILED,
                        IpmiTool.diagnose(r.get().output(), settings, bmc, key()), false, t0);
            };
        }

        /**
         * Asks for power {@code word}, then reads the status back until it is {@code want}. A refused session ends
         * it at once; a refused or lost power request still reads back (the BMC may have done it already).
         */
        FenceResult power(String word, IpmiTool.Power want, FenceAction action, long t0, List<String> before)
                throws InterruptedException {
            List<String> said = new ArrayList<>(before);
            Optional<CommandRunner.Result> req = call(word);
            if (req.isEmpty() || req.get().timedOut()) {
                said.add("power " + word + ": no answer from the BMC at " + bmc + " (ipmitool killed): check " + key()
                        + ", the network path, and that IPMI over LAN is enabled");
                return timedOut(action, t0, said);
            }
            if (req.get().exit() != 0) {
                String why = IpmiTool.diagnose(req.get().output(), settings, bmc, key());
                said.add("power " + word + " FAILED: " + why);
                if (IpmiTool.sessionFailed(req.get().output())) {
                    return result(node, action, FAILED, String.join("; ", said), false, t0);
                }
            } else {
                said.add("power " + word + " requested (" + IpmiTool.clean(req.get().output()) + ")");
            }
            int reads = 0;
            IpmiTool.Power last = IpmiTool.Power.UNKNOWN;
            String lastProblem = "";
            while (true) {
                Optional<CommandRunner.Result> st = call("status");
                if (st.isEmpty()) {
                    break;
                }
                reads++;
                if (st.get().timedOut()) {
                    lastProblem = "status read timed out";
                    break;
                }
                last = st.get().exit() == 0 ? IpmiTool.power(st.get().output()) : IpmiTool.Power.UNKNOWN;
                if (last == want) {
                    said.add("confirmed " + word + " by reading the status back (" + reads + " read"
                            + (reads == 1 ? "" : "s") + ")");
                    return result(node, action, OK, String.join("; ", said), false, t0);
                }
                if (last == IpmiTool.Power.UNKNOWN) {
                    lastProblem = IpmiTool.diagnose(st.get().output(), settings, bmc, key());
                }
                Duration left = remaining();
                if (left.compareTo(settings.pollInterval().plus(MIN_CALL)) < 0) {
                    break;
                }
                ticker.sleep(settings.pollInterval());
            }
            said.add("NOT confirmed " + word + ": after " + reads + " status read" + (reads == 1 ? "" : "s")
                    + " the BMC at " + bmc + " still says " + (last == IpmiTool.Power.UNKNOWN ? "nothing usable"
                    + (lastProblem.isEmpty() ? "" : " (" + lastProblem + ")") : last.name().toLowerCase())
                    + " at the timeout (" + settings.timeout().toMillis() + " ms)");
            return timedOut(action, t0, said);
        }

        private FenceResult timedOut(FenceAction action, long t0, List<String> said) {
            return result(node, action, -1, String.join("; ", said), true, t0);
        }
    }
}
