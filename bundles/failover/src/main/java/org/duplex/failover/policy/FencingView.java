package org.duplex.failover.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.NodeId;

/**
 * What the engine knows about fencing: which nodes a configured device can fence, and the fences that failed
 * recently (a failed fence is retried at {@code retryAt}; until then the groups that need it stay blocked).
 *
 * @param covered  nodes at least one fencing device lists
 * @param failures the last failed fence of a node, until it succeeds
 */
public record FencingView(Set<NodeId> covered, Map<NodeId, FenceFailure> failures) {

    /** No device, no failure: a node is fenced only with the cluster option {@code fencing=true}. */
    public static final FencingView NONE = new FencingView(Set.of(), Map.of());

    /**
     * @param at      when the fence failed
     * @param retryAt when the next attempt is due
     * @param reason  what the devices answered ("ipmi1: exit 1: BMC unreachable")
     */
    public record FenceFailure(Instant at, Instant retryAt, String reason) {
        public FenceFailure {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(retryAt, "retryAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public FencingView {
        covered = Set.copyOf(Objects.requireNonNull(covered, "covered"));
        failures = Map.copyOf(Objects.requireNonNull(failures, "failures"));
    }

    public boolean covers(NodeId node) {
        return covered.contains(node);
    }
}
