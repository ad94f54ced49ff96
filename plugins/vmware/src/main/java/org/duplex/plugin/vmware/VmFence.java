package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.duplex.api.fence.FenceOperation;
import org.duplex.api.fence.FenceOutcome;
import org.duplex.api.model.NodeId;
import org.duplex.plugin.support.Deadline;

/**
 * Fencing device type {@code vmware}: off / on / status of the VM that is a cluster node (what Pacemaker's
 * {@code fence_vmware_soap} does). Off is a hard power-off (no guest shutdown: the node may be hung), confirmed by
 * reading the power state back. Keys: the endpoint's ({@link Endpoint}) and {@code vm.NODE} = the inventory path of
 * each listed node's VM ({@code vm.node1 = DC1/vm/node1}).
 */
public final class VmFence {

    public static final String TYPE = "vmware";

    private final Sessions sessions;

    public VmFence(Sessions sessions) {
        this.sessions = sessions;
    }

    public List<String> validate(Map<String, String> params, List<NodeId> nodes) {
        List<String> problems = new ArrayList<>();
        Endpoint.parse(params, problems);
        for (NodeId n : nodes) {
            if (params.getOrDefault("vm." + n.value(), "").isBlank()) {
                problems.add("vm." + n.value() + " is missing: the inventory path of " + n + "'s VM (vm." + n.value()
                        + " = DC1/vm/" + n.value() + ")");
            }
        }
        return problems;
    }

    public String describeTarget(Map<String, String> params) {
        Map<String, String> vms = new TreeMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("vm.")) {
                vms.put(k, v);
            }
        });
        String tls = params.containsKey(Endpoint.THUMBPRINT) ? "thumbprint pinned"
                : "true".equalsIgnoreCase(params.getOrDefault(Endpoint.INSECURE, "")) ? "INSECURE (certificate not verified)"
                : "JDK trust store";
        return "url=" + params.getOrDefault(Endpoint.URL, "?") + " user=" + params.getOrDefault(Endpoint.USER, "?")
                + " " + tls + " " + vms;
    }

    public FenceOutcome run(FenceOperation op, NodeId node, Map<String, String> params, Duration timeout)
            throws InterruptedException {
        Deadline d = Deadline.within(timeout);
        List<String> problems = new ArrayList<>();
        Optional<Endpoint> e = Endpoint.parse(params, problems);
        String path = params.getOrDefault("vm." + node.value(), "").trim();
        if (path.isEmpty()) {
            problems.add("vm." + node.value() + " is missing");
        }
        if (e.isEmpty() || !problems.isEmpty()) {
            return FenceOutcome.failed(String.join("; ", problems), d.elapsed());
        }
        VimClient c = sessions.client(e.get());
        try {
            MoRef vm = c.require(path, "VirtualMachine", d);
            String power = power(c, vm, d);
            switch (op) {
                case STATUS:
                    return FenceOutcome.done(power.equals("poweredOff") ? FenceOutcome.Power.OFF : FenceOutcome.Power.ON,
                            "VM " + path + " is " + power, d.elapsed());
                case OFF:
                    if (power.equals("poweredOff")) {
                        return FenceOutcome.done(FenceOutcome.Power.OFF, "VM " + path + " was already powered off",
                                d.elapsed());
                    }
                    act(() -> c.powerOff(vm, d));
                    break;
                default:
                    if (power.equals("poweredOn")) {
                        return FenceOutcome.done(FenceOutcome.Power.ON, "VM " + path + " was already powered on",
                                d.elapsed());
                    }
                    act(() -> c.powerOn(vm, d));
                    break;
            }
            String now = power(c, vm, d);
            String want = op == FenceOperation.OFF ? "poweredOff" : "poweredOn";
            if (!now.equals(want)) {
                return FenceOutcome.failed("VM " + path + ": powered " + (op == FenceOperation.OFF ? "off" : "on")
                        + " but vSphere reports " + now, d.elapsed());
            }
            return FenceOutcome.done(op == FenceOperation.OFF ? FenceOutcome.Power.OFF : FenceOutcome.Power.ON,
                    "VM " + path + " powered " + (op == FenceOperation.OFF ? "off" : "on") + " (confirmed " + now
                            + ")", d.elapsed());
        } catch (VimException ex) {
            return ex.kind() == VimException.Kind.TIMEOUT ? FenceOutcome.timedOut(ex.getMessage(), d.elapsed())
                    : FenceOutcome.failed(ex.getMessage(), d.elapsed());
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws VimException, InterruptedException;
    }

    /** A power task that found the VM already in the wanted state (a race with another actor) is no failure. */
    private static void act(Action a) throws VimException, InterruptedException {
        try {
            a.run();
        } catch (VimException e) {
            if (!e.faultType().equals("InvalidPowerState")) {
                throw e;
            }
        }
    }

    private static String power(VimClient c, MoRef vm, Deadline d) throws VimException, InterruptedException {
        return c.textProperties(vm, List.of("runtime.powerState"), d).getOrDefault("runtime.powerState", "unknown");
    }
}
