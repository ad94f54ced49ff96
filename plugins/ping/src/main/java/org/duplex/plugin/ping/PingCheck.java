package org.duplex.plugin.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;

/**
 * The reachability check itself, free of OSGi so unit tests drive it directly.
 *
 * <p>Parameters: {@code host} (one target) or {@code hosts} (several, comma-separated), {@code min-reachable}
 * (how many of them must answer, default 1), {@code port} (optional). With a port the check is a TCP connect; an
 * answer of any kind from the host (accept or refuse) is not enough there: only an accepted connection is
 * healthy, because the point of naming a port is "the service answers". Without a port it is
 * {@link InetAddress#isReachable}: an ICMP echo when the JVM may send one (root, or CAP_NET_RAW), else a TCP
 * probe of port 7. That is used rather than the {@code ping} binary so a check every few seconds starts no
 * process and does not depend on which ping is installed.
 *
 * <p>Several targets are probed in parallel, each on its own short-lived thread, so the check takes one timeout
 * however many targets there are, and a name whose lookup hangs cannot hold the check past its timeout.
 * Enough answers but not all of them is {@code DEGRADED} (a redundant path is lost, the node is still fine);
 * too few is {@code UNHEALTHY}, unless targets that could not be decided (lookup still running, probe error)
 * could have made up the difference: then {@code UNKNOWN}.
 */
public final class PingCheck {

    /** More targets than this is a configuration mistake (and that many threads per check). */
    static final int MAX_HOSTS = 32;

    private static final Set<String> KNOWN = Set.of("host", "hosts", "min-reachable", "port");

    /** How one target's probe ended. */
    enum Outcome { ANSWERED, NO_ANSWER, UNDECIDED }

    /** One target's result, {@code reason} a sentence such as "10.0.0.1 answered in 0.4 ms". */
    record Probe(String target, Outcome outcome, String reason) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        String host = params.get("host");
        String hosts = params.get("hosts");
        int targets = 0;
        if (host != null && hosts != null) {
            problems.add("hosts: give either host (one target) or hosts (several), not both");
        } else if (hosts != null) {
            List<String> list = split(hosts);
            if (list.isEmpty()) {
                problems.add("hosts: empty (a comma-separated list, for example hosts=192.168.1.1,192.168.1.2)");
            } else if (list.size() > MAX_HOSTS) {
                problems.add("hosts: " + list.size() + " targets, at most " + MAX_HOSTS);
            } else if (list.stream().anyMatch(String::isEmpty)) {
                problems.add("hosts: '" + hosts + "' has an empty entry");
            } else if (new LinkedHashSet<>(list).size() != list.size()) {
                problems.add("hosts: '" + hosts + "' names a target twice");
            }
            targets = list.size();
        } else if (host == null || host.isBlank()) {
            problems.add("host: required (an IP address or a name, for example host=192.168.1.1; "
                    + "or hosts=a,b,c for several)");
        } else {
            targets = 1;
        }
        String min = params.get("min-reachable");
        if (min != null) {
            try {
                int m = Integer.parseInt(min.trim());
                if (m < 1 || (targets > 0 && m > targets)) {
                    problems.add("min-reachable: " + min + " is outside 1-" + Math.max(1, targets)
                            + " (the number of targets)");
                }
            } catch (NumberFormatException e) {
                problems.add("min-reachable: '" + min + "' is not a number");
            }
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
            if (!KNOWN.contains(key)) {
                problems.add(key + ": unknown parameter (ping takes host or hosts, min-reachable and port)");
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
        List<String> targets = params.containsKey("hosts") ? split(params.get("hosts"))
                : List.of(params.get("host").trim());
        int min = params.containsKey("min-reachable") ? Integer.parseInt(params.get("min-reachable").trim()) : 1;
        Integer port = params.containsKey("port") ? Integer.parseInt(params.get("port").trim()) : null;

        long timeoutMs = Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        // Leave a little of the timeout for starting threads and writing the result.
        long reserve = Math.max(1, Math.min(100, timeoutMs / 20));
        long waitMs = Math.max(1, timeoutMs - reserve);
        int probeMs = (int) Math.max(1, waitMs - reserve);

        AtomicReferenceArray<Probe> results = new AtomicReferenceArray<>(targets.size());
        CountDownLatch done = new CountDownLatch(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            int index = i;
            String target = targets.get(i);
            Thread t = new Thread(() -> {
                try {
                    results.set(index, probe(target, port, probeMs));
                } finally {
                    done.countDown();
                }
            }, "duplex-ping-" + target);
            t.setDaemon(true);
            t.start();
        }
        try {
            done.await(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthStatus.unknown("check interrupted before every target answered", elapsed(startNanos));
        }

        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Probe p = results.get(i);
            probes.add(p != null ? p : new Probe(targets.get(i), Outcome.UNDECIDED,
                    "could not resolve " + targets.get(i) + " within " + probeMs + " ms"));
        }
        return verdict(probes, min, targets.size() > 1, elapsed(startNanos));
    }

    static HealthStatus verdict(List<Probe> probes, int min, boolean several, Duration took) {
        long answered = probes.stream().filter(p -> p.outcome() == Outcome.ANSWERED).count();
        long undecided = probes.stream().filter(p -> p.outcome() == Outcome.UNDECIDED).count();
        Health health;
        if (answered >= min) {
            health = answered == probes.size() ? Health.HEALTHY : Health.DEGRADED;
        } else {
            health = answered + undecided >= min ? Health.UNKNOWN : Health.UNHEALTHY;
        }
        String reason = several
                ? answered + " of " + probes.size() + " answered (" + min + " needed): "
                        + String.join("; ", probes.stream().map(Probe::reason).toList())
                : probes.get(0).reason();
        return new HealthStatus(health, reason, took);
    }

    private static Probe probe(String host, Integer port, int timeoutMs) {
        long t0 = System.nanoTime();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return new Probe(host, Outcome.NO_ANSWER, "cannot resolve " + host + ": " + e.getMessage());
        }
        int left = (int) Math.max(1, timeoutMs - (System.nanoTime() - t0) / 1_000_000);
        String ip = address.getHostAddress();
        if (port != null) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), left);
                return new Probe(host, Outcome.ANSWERED,
                        ip + ":" + port + " accepted a connection in " + millis(t0));
            } catch (IOException e) {
                return new Probe(host, Outcome.NO_ANSWER, "no connection to " + ip + ":" + port + " within "
                        + timeoutMs + " ms: " + e.getMessage());
            }
        }
        try {
            return address.isReachable(left)
                    ? new Probe(host, Outcome.ANSWERED, ip + " answered in " + millis(t0))
                    : new Probe(host, Outcome.NO_ANSWER, "no answer from " + ip + " within " + timeoutMs + " ms");
        } catch (IOException e) {
            return new Probe(host, Outcome.UNDECIDED, "cannot probe " + ip + ": " + e.getMessage());
        }
    }

    private static List<String> split(String list) {
        String s = list.trim();
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            out.add(part.trim());
        }
        return out;
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String millis(long startNanos) {
        return String.format(Locale.ROOT, "%.1f ms", (System.nanoTime() - startNanos) / 1e6);
    }
}
