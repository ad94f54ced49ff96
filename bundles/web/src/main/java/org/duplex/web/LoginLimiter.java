package org.duplex.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per source address: after {@code maxFailures} failed logins within {@code window}, further attempts from that
 * address are refused (without checking the password) until the oldest of those failures is older than the window.
 */
public final class LoginLimiter {

    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginLimiter(Clock clock, int maxFailures, Duration window) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
    }

    /** Zero when the address may try now, otherwise how long it must wait. */
    public synchronized Duration retryAfter(String address) {
        Deque<Instant> d = failures.get(address);
        if (d == null) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        while (!d.isEmpty() && !d.peekFirst().plus(window).isAfter(now)) {
            d.removeFirst();
        }
        if (d.isEmpty()) {
            failures.remove(address);
            return Duration.ZERO;
        }
        return d.size() < maxFailures ? Duration.ZERO : Duration.between(now, d.peekFirst().plus(window));
    }

    public synchronized void failed(String address) {
        if (failures.size() > 10_000) {
            failures.clear(); // a flood of addresses must not grow the map without bound
        }
        failures.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(clock.instant());
    }

    public synchronized void succeeded(String address) {
        failures.remove(address);
    }
}
