package org.duplex.plugin.ping.carrier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.monitor.HealthStatus;

/**
 * Link state of one network interface, read from sysfs ({@code /sys/class/net/IFACE/{flags,carrier,operstate}}):
 * healthy when the interface is administratively up, has carrier and its operational state is {@code up} (or
 * {@code unknown}, which is what virtual drivers without link detection report). Reading three small sysfs files
 * never blocks, so the timeout is not needed here.
 *
 * <p>The sysfs directory is a constructor parameter so tests can point the check at a directory of their own;
 * sysfs shows the network namespace of the process, so the monitor always sees the node's own interfaces.
 */
public final class CarrierCheck {

    /** Linux interface names: at most 15 bytes, no '/' and no blanks. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    private static final Set<String> KNOWN = Set.of("interface");
    /** IFF_UP in the flags file: the administrative state ({@code ip link set IFACE up}). */
    private static final int IFF_UP = 0x1;

    private final Path sysClassNet;

    public CarrierCheck() {
        this(Path.of("/sys/class/net"));
    }

    public CarrierCheck(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        String iface = params.get("interface");
        if (iface == null || iface.isBlank()) {
            problems.add("interface: required (a network interface, for example interface=eth0)");
        } else if (!NAME.matcher(iface.trim()).matches() || iface.trim().equals(".") || iface.trim().equals("..")) {
            problems.add("interface: '" + iface + "' is not an interface name (1-15 letters, digits, _ . : @ -)");
        }
        for (String key : params.keySet()) {
            if (!KNOWN.contains(key)) {
                problems.add(key + ": unknown parameter (carrier takes interface)");
            }
        }
        return problems;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) {
        long t0 = System.nanoTime();
        List<String> problems = validate(params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), since(t0));
        }
        String iface = params.get("interface").trim();
        Path dir = sysClassNet.resolve(iface);
        if (!Files.isDirectory(dir)) {
            return HealthStatus.unhealthy(iface + ": no such interface", since(t0));
        }
        String operstate;
        try {
            operstate = read(dir.resolve("operstate"));
        } catch (IOException e) {
            return HealthStatus.unknown("cannot read the state of " + iface + ": " + e, since(t0));
        }
        Integer flags = null;
        try {
            flags = Integer.decode(read(dir.resolve("flags")));
        } catch (IOException | NumberFormatException e) {
            // not decisive: carrier and operstate still tell
        }
        if (flags != null && (flags & IFF_UP) == 0) {
            return HealthStatus.unhealthy(iface + " is administratively down (operstate " + operstate + ")",
                    since(t0));
        }
        String carrier;
        try {
            carrier = read(dir.resolve("carrier"));
        } catch (IOException e) {
            // the kernel answers EINVAL for the carrier of an interface that is down
            return HealthStatus.unhealthy(iface + " is down (operstate " + operstate + ")", since(t0));
        }
        if (!carrier.equals("1")) {
            return HealthStatus.unhealthy(iface + " has no carrier (operstate " + operstate + ")", since(t0));
        }
        if (!operstate.equals("up") && !operstate.equals("unknown")) {
            return HealthStatus.unhealthy(iface + " has carrier but is not up (operstate " + operstate + ")",
                    since(t0));
        }
        return HealthStatus.healthy(iface + " has carrier (operstate " + operstate + ")", since(t0));
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
