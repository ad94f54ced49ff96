package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Sizes;

/**
 * The plug-in's three health checks, read-only, over the shared sessions:
 * <ul>
 *   <li>{@code vmware-host} ({@code host = DC1/host/cluster1/esx1}): the host's connection state (connected is
 *       healthy, disconnected or notResponding unhealthy), maintenance mode (degraded), overall status;</li>
 *   <li>{@code vmware-datastore} ({@code datastore = DC1/datastore/ds1}, {@code min-free = 50GiB} and/or
 *       {@code max-used = 90}): accessible, free space against the limits;</li>
 *   <li>{@code vmware-vm-heartbeat} ({@code vm = DC1/vm/web01}): powered on and the VMware Tools heartbeat green
 *       (yellow: degraded; red, gray or powered off: unhealthy).</li>
 * </ul>
 * An endpoint that cannot be asked (unreachable, timeout, login refused) is {@link Health#UNKNOWN}: it is no
 * evidence about the object; an object that does not exist is unhealthy.
 */
public final class VsphereChecks {

    public static final String HOST = "vmware-host";
    public static final String DATASTORE = "vmware-datastore";
    public static final String VM_HEARTBEAT = "vmware-vm-heartbeat";

    private final Sessions sessions;

    public VsphereChecks(Sessions sessions) {
        this.sessions = sessions;
    }

    /** The key naming the object each type checks. */
    static String objectKey(String type) {
        return switch (type) {
            case HOST -> "host";
            case DATASTORE -> "datastore";
            default -> "vm";
        };
    }

    private static String moType(String type) {
        return switch (type) {
            case HOST -> "HostSystem";
            case DATASTORE -> "Datastore";
            default -> "VirtualMachine";
        };
    }

    public List<String> validate(String type, Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        Endpoint.parse(params, problems);
        String key = objectKey(type);
        if (params.getOrDefault(key, "").isBlank()) {
            problems.add(key + " is missing: the " + moType(type) + "'s inventory path");
        }
        if (type.equals(DATASTORE)) {
            String mf = params.getOrDefault("min-free", "").trim();
            String mu = params.getOrDefault("max-used", "").trim();
            if (mf.isEmpty() && mu.isEmpty()) {
                problems.add("min-free or max-used is needed (min-free = 50GiB, max-used = 90)");
            }
            if (!mf.isEmpty() && Sizes.parse(mf).isEmpty()) {
                problems.add("min-free: '" + mf + "' is not a size (50GiB, 512M)");
            }
            if (!mu.isEmpty() && percent(mu).isEmpty()) {
                problems.add("max-used: '" + mu + "' is not a percentage from 0 to 100");
            }
        }
        return problems;
    }

    private static Optional<Double> percent(String s) {
        try {
            double d = Double.parseDouble(s.endsWith("%") ? s.substring(0, s.length() - 1).trim() : s);
            return d >= 0 && d <= 100 ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public HealthStatus check(String type, Map<String, String> params, Duration timeout) throws InterruptedException {
        Deadline d = Deadline.within(timeout);
        List<String> problems = validate(type, params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("bad parameters: " + String.join("; ", problems), d.elapsed());
        }
        Endpoint e = Endpoint.parse(params, new ArrayList<>()).orElseThrow();
        String path = params.get(objectKey(type)).trim();
        VimClient c = sessions.client(e);
        try {
            MoRef obj = c.require(path, moType(type), d);
            return switch (type) {
                case HOST -> host(c, obj, path, d);
                case DATASTORE -> datastore(c, obj, path, params, d);
                default -> heartbeat(c, obj, path, d);
            };
        } catch (VimException ex) {
            return ex.kind() == VimException.Kind.NOT_FOUND ? HealthStatus.unhealthy(ex.getMessage(), d.elapsed())
                    : HealthStatus.unknown(ex.getMessage(), d.elapsed());
        }
    }

    private static HealthStatus host(VimClient c, MoRef h, String path, Deadline d)
            throws VimException, InterruptedException {
        Map<String, String> p = c.textProperties(h, List.of("runtime.connectionState", "runtime.inMaintenanceMode",
                "overallStatus"), d);
        String conn = p.getOrDefault("runtime.connectionState", "unknown");
        boolean maint = "true".equals(p.get("runtime.inMaintenanceMode"));
        String overall = p.getOrDefault("overallStatus", "gray");
        String what = "host " + path + ": " + conn + (maint ? ", in maintenance mode" : "") + ", overall status "
                + overall;
        if (!conn.equals("connected")) {
            return HealthStatus.unhealthy(what, d.elapsed());
        }
        if (maint || overall.equals("red") || overall.equals("yellow")) {
            return new HealthStatus(Health.DEGRADED, what, d.elapsed());
        }
        return HealthStatus.healthy(what, d.elapsed());
    }

    private static HealthStatus datastore(VimClient c, MoRef ds, String path, Map<String, String> params, Deadline d)
            throws VimException, InterruptedException {
        Map<String, String> p = c.textProperties(ds, List.of("summary.capacity", "summary.freeSpace",
                "summary.accessible"), d);
        if (!"true".equals(p.get("summary.accessible"))) {
            return HealthStatus.unhealthy("datastore " + path + " is not accessible", d.elapsed());
        }
        long cap;
        long free;
        try {
            cap = Long.parseLong(p.getOrDefault("summary.capacity", ""));
            free = Long.parseLong(p.getOrDefault("summary.freeSpace", ""));
        } catch (NumberFormatException ex) {
            return HealthStatus.unknown("datastore " + path + ": capacity or free space not reported", d.elapsed());
        }
        double used = cap == 0 ? 100 : 100.0 * (cap - free) / cap;
        String figures = "datastore " + path + ": " + Sizes.format(free) + " free of " + Sizes.format(cap) + " ("
                + Sizes.percent(used) + " used)";
        List<String> over = new ArrayList<>();
        String mf = params.getOrDefault("min-free", "").trim();
        if (!mf.isEmpty() && free < Sizes.parse(mf).orElseThrow()) {
            over.add("below min-free " + mf);
        }
        String mu = params.getOrDefault("max-used", "").trim();
        if (!mu.isEmpty() && used > percent(mu).orElseThrow()) {
            over.add("over max-used " + mu + " %");
        }
        return over.isEmpty() ? HealthStatus.healthy(figures, d.elapsed())
                : HealthStatus.unhealthy(figures + ": " + String.join(", ", over), d.elapsed());
    }

    private static HealthStatus heartbeat(VimClient c, MoRef vm, String path, Deadline d)
            throws VimException, InterruptedException {
        VmState s = VmState.of(c.textProperties(vm, VmState.PATHS, d));
        String what = "VM " + path + ": " + s.describe();
        if (!s.on()) {
            return HealthStatus.unhealthy(what, d.elapsed());
        }
        return switch (s.heartbeat()) {
            case "green" -> HealthStatus.healthy(what, d.elapsed());
            case "yellow" -> new HealthStatus(Health.DEGRADED, what + " (intermittent heartbeat)", d.elapsed());
            case "red" -> HealthStatus.unhealthy(what + " (no heartbeat: the guest OS may have stopped)", d.elapsed());
            default -> HealthStatus.unhealthy(what + " (no heartbeat: VMware Tools not running)", d.elapsed());
        };
    }
}
