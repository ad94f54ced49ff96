package org.duplex.plugin.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;

/**
 * The reachability check itself, free of OSGi so unit tests drive it directly.
 *
 * <p>Parameters: {@code host} (required), {@code port} (optional). With a port the check is a TCP connect; an
 * answer of any kind from the host (accept or refuse) is not enough there: only an accepted connection is
 * healthy, because the point of naming a port is "the service answers". Without a port it is
 * {@link InetAddress#isReachable}: an ICMP echo when the JVM may send one (root, or CAP_NET_RAW), else a TCP
 * probe of port 7.
 */
public final class PingCheck {

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        String host = params.get("host");
        if (host == null || host.isBlank()) {
            problems.add("host: required (an IP address or a name, for example host=192.168.1.1)");
        }
        String port = params.get("port");
        if (port != null) {
            try {
                int p = Integer.parseInt(port.trim());
                if (p < 1 || p > 65535) {
                    problems.add("port: " + port + " is outside 1-65535");
                }
            } catch (NumberFormatException e) {
                problems.add("port: '" + port + "' is not a number");
            }
        }
        for (String key : params.keySet()) {
            if (!key.equals("host") && !key.equals("port")) {
                problems.add(key + ": unknown parameter (ping takes host and port)");
            }
        }
        return problems;
    }

    public HealthStatus check(Map<String, String> params, Duration timeout) {
        long startNanos = System.nanoTime();
        List<String> problems = validate(params);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), elapsed(startNanos));
        }
        String host = params.get("host").trim();
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return HealthStatus.unhealthy("cannot resolve " + host + ": " + e.getMessage(), elapsed(startNanos));
        }
        String port = params.get("port");
        if (port != null) {
            int p = Integer.parseInt(port.trim());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, p), timeoutMs);
                Duration took = elapsed(startNanos);
                return HealthStatus.healthy(address.getHostAddress() + ":" + p + " accepted a connection in "
                        + millis(took), took);
            } catch (IOException e) {
                return HealthStatus.unhealthy("no connection to " + address.getHostAddress() + ":" + p + " within "
                        + timeoutMs + " ms: " + e.getMessage(), elapsed(startNanos));
            }
        }
        try {
            boolean reachable = address.isReachable(timeoutMs);
            Duration took = elapsed(startNanos);
            return reachable
                    ? HealthStatus.healthy(address.getHostAddress() + " answered in " + millis(took), took)
                    : HealthStatus.unhealthy("no answer from " + address.getHostAddress() + " within "
                            + timeoutMs + " ms", took);
        } catch (IOException e) {
            return HealthStatus.unknown("cannot probe " + address.getHostAddress() + ": " + e.getMessage(),
                    elapsed(startNanos));
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
