package org.duplex.failover.model;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.ResourceId;

/**
 * A {@link org.duplex.api.monitor.ResourceMonitor} bound into the failover decision: which monitor type runs, with
 * which parameters, how often, how long it may take, how many consecutive failures count as one failure, and what
 * such a failure means.
 *
 * @param id       the binding's name ("disk-var", "gw-ping"); its own namespace, apart from resources and groups
 * @param type     the monitor type, the {@value org.duplex.api.monitor.ResourceMonitor#TYPE_PROPERTY} of a registered
 *                 monitor service (it may be missing: a plug-in not installed yet or uninstalled)
 * @param on       {@link Scope#RESOURCE}: the target resource fails (the group's policy applies);
 *                 {@link Scope#NODE}: the node is not eligible for the target group while the check fails
 * @param target   a resource ({@code on=resource}) or a group ({@code on=node})
 * @param interval time between the end of one check and the start of the next
 * @param timeout  a check still running after it is cut off and counts as failed
 * @param count    consecutive failed checks that make a failure (1 = the first one)
 * @param params   the monitor's own parameters, checked by its {@code validate}
 * @param onFail   {@code on=node} only: {@link Reaction#INELIGIBLE} (the default) or
 *                 {@link Reaction#REBOOT}: the node becomes ineligible for every group it is listed in and
 *                 reboots itself once nothing runs there any more (a local fault only a reboot cures)
 */
public record MonitorBinding(ResourceId id, String type, Scope on, ResourceId target, Duration interval,
                             Duration timeout, int count, Map<String, String> params, Reaction onFail) {

    /** What a failure of the monitor means. */
    public enum Scope {
        /** The bound resource counts as failed on the node running it. */
        RESOURCE,
        /** The node is not eligible for the bound group while the check fails. */
        NODE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a failed {@code on=node} binding does to the node ({@code on-fail=}). */
    public enum Reaction {
        /** The node is not eligible for the target group while the check fails (the default). */
        INELIGIBLE,
        /**
         * The node is not eligible for any group it is listed in while the check fails, and reboots itself once
         * nothing runs there any more (bounded by the node's reboot-loop guard).
         */
        REBOOT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_COUNT = 3;

    /** Words of the configuration that are the binding's own settings, not monitor parameters. */
    public static final Set<String> RESERVED_KEYS = Set.of("type", "on", "target", "interval", "timeout", "count",
            "on-fail");

    /** An {@code on-fail=ineligible} binding (the only reaction before {@code on-fail=reboot}). */
    public MonitorBinding(ResourceId id, String type, Scope on, ResourceId target, Duration interval,
                          Duration timeout, int count, Map<String, String> params) {
        this(id, type, on, target, interval, timeout, count, params, Reaction.INELIGIBLE);
    }

    public MonitorBinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(on, "on");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onFail, "onFail");
        params = Map.copyOf(Objects.requireNonNull(params, "params"));
        if (type.isBlank()) {
            throw new IllegalArgumentException("monitor " + id + ": type must not be blank");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("monitor " + id + ": interval must be positive, was " + interval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("monitor " + id + ": timeout must be positive, was " + timeout);
        }
        if (count < 1) {
            throw new IllegalArgumentException("monitor " + id + ": count must be at least 1, was " + count);
        }
        if (onFail == Reaction.REBOOT && on != Scope.NODE) {
            throw new IllegalArgumentException("monitor " + id + ": on-fail=reboot needs on=node (a resource's "
                    + "failure follows its group's on-fail, e.g. on-fail=fence)");
        }
        for (String k : params.keySet()) {
            if (RESERVED_KEYS.contains(k)) {
                throw new IllegalArgumentException("monitor " + id + ": parameter '" + k + "' is reserved");
            }
        }
    }

    /** {@code on=node on-fail=reboot}: a failure makes the node reboot itself once its groups are off it. */
    public boolean reboots() {
        return onFail == Reaction.REBOOT;
    }

    /** The group a failure of this binding concerns: the target group, or the group of the target resource. */
    public java.util.Optional<ResourceId> group(FailoverConfig config) {
        return on == Scope.NODE ? java.util.Optional.of(target)
                : config.groupOf(target).map(org.duplex.api.model.ResourceGroup::id);
    }
}
