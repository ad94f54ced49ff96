package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.failover.DurationWords;
import org.duplex.plugin.support.Deadline;

/**
 * The {@code vmware-vm} resource: a virtual machine on a vCenter or ESXi host, started by powering it on and
 * waiting for its guest, stopped by a guest shutdown and then a power-off once {@code shutdown-timeout} has passed.
 * Parameters: the endpoint's ({@link Endpoint}) and
 * <ul>
 *   <li>{@code vm}: the VM's inventory path ({@code DC1/vm/web01}); required;</li>
 *   <li>{@code guest}: what "started" means: {@code ip} (default: tools running and an IP address reported),
 *       {@code tools} (tools running) or {@code none} (powered on is enough, for guests without VMware Tools);
 *       the monitor checks the same, plus a heartbeat that is not red;</li>
 *   <li>{@code shutdown-timeout}: how long stop waits for the guest to power itself off before powering it off
 *       (default: two thirds of the stop timeout, at most three quarters of it).</li>
 * </ul>
 * Plain Java over a {@link Sessions}; the DS component {@link VmwareVmAgent} is its wiring.
 */
public final class VmControl {

    public static final String TYPE = "vmware-vm";
    static final String VM = "vm";
    static final String GUEST = "guest";
    static final String SHUTDOWN_TIMEOUT = "shutdown-timeout";

    /** What a started guest must show. */
    enum Guest { IP, TOOLS, NONE }

    record Params(Endpoint endpoint, String vm, Guest guest, Optional<Duration> shutdownTimeout) {
    }

    /** Time kept for one more poll of the guest after a pause. */
    private static final long POLL_RESERVE_MS = 100;

    private final Sessions sessions;

    public VmControl(Sessions sessions) {
        this.sessions = sessions;
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    /** {@link #validate(Map)}, and a shutdown-timeout that leaves the power-off no time within the stop timeout. */
    public List<String> validate(Map<String, String> params, Duration stopTimeout) {
        List<String> problems = new ArrayList<>();
        parse(params, problems).flatMap(Params::shutdownTimeout).ifPresent(st -> {
            if (st.compareTo(stopTimeout) >= 0) {
                problems.add(SHUTDOWN_TIMEOUT + ": " + DurationWords.format(st) + " is not shorter than the stop"
                        + " timeout (" + DurationWords.format(stopTimeout) + "): the power-off after it would have no"
                        + " time; stop uses at most three quarters of the stop timeout for the guest");
            }
        });
        return problems;
    }

    static Optional<Params> parse(Map<String, String> params, List<String> problems) {
        Optional<Endpoint> e = Endpoint.parse(params, problems);
        String vm = params.getOrDefault(VM, "").trim();
        if (vm.isEmpty()) {
            problems.add(VM + " is missing: the VM's inventory path (vm = DC1/vm/web01)");
        }
        Guest guest = Guest.IP;
        String g = params.getOrDefault(GUEST, "").trim();
        if (!g.isEmpty()) {
            try {
                guest = Guest.valueOf(g.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                problems.add(GUEST + ": '" + g + "' is not ip, tools or none");
            }
        }
        Optional<Duration> st = Optional.empty();
        String s = params.getOrDefault(SHUTDOWN_TIMEOUT, "").trim();
        if (!s.isEmpty()) {
            try {
                st = Optional.of(DurationWords.parse(s, SHUTDOWN_TIMEOUT));
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (e.isEmpty() || vm.isEmpty() || !problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Params(e.get(), vm, guest, st));
    }

    private static OperationResult bad(Map<String, String> params, Deadline d) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), d.elapsed());
    }

    static OperationResult failure(VimException e, Deadline d) {
        OcfStatus status = switch (e.kind()) {
            case TIMEOUT -> OcfStatus.TIMEOUT;
            case LOGIN_FAILED, CONFIG -> OcfStatus.ERR_CONFIGURED;
            case NOT_FOUND -> OcfStatus.ERR_INSTALLED;
            default -> OcfStatus.ERR_GENERIC;
        };
        return OperationResult.of(status, e.getMessage(), d.elapsed());
    }

    public OperationResult start(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline d = Deadline.within(timeout);
        Optional<Params> p = parse(params, new ArrayList<>());
        if (p.isEmpty()) {
            return bad(params, d);
        }
        VimClient c = sessions.client(p.get().endpoint());
        try {
            MoRef vm = c.require(p.get().vm(), "VirtualMachine", d);
            VmState s = state(c, vm, d);
            String how = "was already on";
            if (!s.on()) {
                c.powerOn(vm, d);
                how = "powered on";
            }
            long pause = 50;
            while (true) {
                try {
                    s = state(c, vm, d);
                } catch (VimException e) {
                    if (e.kind() != VimException.Kind.TIMEOUT) {
                        throw e;
                    }
                    // the budget ran out during a poll: say what start was waiting for, and what it last saw
                    return OperationResult.of(OcfStatus.TIMEOUT, "VM " + p.get().vm() + " " + how
                            + " but its guest is not up within " + d.budgetText() + " (" + waitingFor(p.get().guest())
                            + "; last seen " + s.describe() + ")", d.elapsed());
                }
                if (up(p.get().guest(), s)) {
                    return OperationResult.success("VM " + p.get().vm() + " " + how + ", guest up ("
                            + s.describe() + ") in " + d.elapsed().toMillis() + " ms", d.elapsed());
                }
                if (!s.on()) {
                    return OperationResult.of(OcfStatus.ERR_GENERIC, "VM " + p.get().vm() + " " + how
                            + " but is " + s.power() + " again", d.elapsed());
                }
                if (d.remaining().toMillis() < pause + POLL_RESERVE_MS) {
                    return OperationResult.of(OcfStatus.TIMEOUT, "VM " + p.get().vm() + " " + how
                            + " but its guest is not up within " + d.budgetText() + " (" + waitingFor(p.get().guest())
                            + "; now " + s.describe() + ")", d.elapsed());
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 500);
            }
        } catch (VimException e) {
            return failure(e, d);
        }
    }

    private static String waitingFor(Guest g) {
        return switch (g) {
            case IP -> "waiting for VMware Tools running and a guest IP address";
            case TOOLS -> "waiting for VMware Tools running";
            case NONE -> "waiting for power on";
        };
    }

    static boolean up(Guest g, VmState s) {
        return s.on() && switch (g) {
            case IP -> s.toolsRunning() && !s.ip().isEmpty();
            case TOOLS -> s.toolsRunning();
            case NONE -> true;
        };
    }

    private static VmState state(VimClient c, MoRef vm, Deadline d) throws VimException, InterruptedException {
        return VmState.of(c.textProperties(vm, VmState.PATHS, d));
    }

    public OperationResult stop(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline d = Deadline.within(timeout);
        Optional<Params> p = parse(params, new ArrayList<>());
        if (p.isEmpty()) {
            return bad(params, d);
        }
        VimClient c = sessions.client(p.get().endpoint());
        String path = p.get().vm();
        try {
            MoRef vm = c.require(path, "VirtualMachine", d);
            VmState s = state(c, vm, d);
            if (s.off()) {
                return OperationResult.success("VM " + path + " is already powered off", d.elapsed());
            }
            String first;
            if (s.on() && s.toolsRunning()) {
                // the guest gets at most three quarters of the budget: the power-off needs the rest
                Duration cap = d.budget().multipliedBy(3).dividedBy(4);
                Duration grace = p.get().shutdownTimeout().orElse(d.budget().multipliedBy(2).dividedBy(3));
                grace = grace.compareTo(cap) > 0 ? cap : grace;
                long graceEnd = System.nanoTime() + grace.toNanos();
                c.shutdownGuest(vm, d);
                long pause = 50;
                while (System.nanoTime() < graceEnd && !d.passed()) {
                    s = state(c, vm, d);
                    if (s.off()) {
                        return OperationResult.success("VM " + path + " shut down by its guest in "
                                + d.elapsed().toMillis() + " ms", d.elapsed());
                    }
                    Thread.sleep(Math.max(1, Math.min(pause, (graceEnd - System.nanoTime()) / 1_000_000)));
                    pause = Math.min(pause * 2, 500);
                }
                first = "guest did not shut down within " + grace.toMillis() + " ms; ";
            } else {
                first = "VMware Tools not running (" + s.describe() + "), no guest shutdown possible; ";
            }
            try {
                c.powerOff(vm, d);
            } catch (VimException e) {
                if (!e.faultType().equals("InvalidPowerState")) {
                    throw e;
                }
            }
            s = state(c, vm, d);
            if (!s.off()) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "VM " + path + ": " + first
                        + "powered off, but vSphere still reports " + s.power(), d.elapsed());
            }
            return OperationResult.success("VM " + path + ": " + first + "powered off", d.elapsed());
        } catch (VimException e) {
            return failure(e, d);
        }
    }

    public OperationResult monitor(Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline d = Deadline.within(timeout);
        Optional<Params> p = parse(params, new ArrayList<>());
        if (p.isEmpty()) {
            return bad(params, d);
        }
        VimClient c = sessions.client(p.get().endpoint());
        String path = p.get().vm();
        try {
            MoRef vm = c.require(path, "VirtualMachine", d);
            VmState s = state(c, vm, d);
            if (s.off()) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "VM " + path + " is powered off", d.elapsed());
            }
            if (!s.on()) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "VM " + path + " is " + s.power(), d.elapsed());
            }
            if (p.get().guest() != Guest.NONE && s.heartbeat().equals("red")) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "VM " + path + ": guest heartbeat red (the guest"
                        + " stopped answering VMware Tools): " + s.describe(), d.elapsed());
            }
            if (!up(p.get().guest(), s)) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "VM " + path + " is powered on but its guest is "
                        + "not up (" + waitingFor(p.get().guest()).replace("waiting for ", "needs ") + "; "
                        + s.describe() + ")", d.elapsed());
            }
            return OperationResult.success("VM " + path + ": " + s.describe(), d.elapsed());
        } catch (VimException e) {
            return failure(e, d);
        }
    }
}
