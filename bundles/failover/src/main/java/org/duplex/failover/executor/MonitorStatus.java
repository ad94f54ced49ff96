package org.duplex.failover.executor;

import java.time.Instant;
import java.util.Objects;

import org.duplex.api.model.NodeId;
import org.duplex.failover.model.MonitorBinding;

/**
 * The latest result of a bound monitor on one node.
 *
 * @param binding  the binding as configured when it ran
 * @param node     where it ran
 * @param state    its verdict so far
 * @param failures consecutive failed checks (of {@code binding.count()})
 * @param reason   the monitor's own words, prefixed with the binding's name
 * @param at       when the last check finished (or when it was set up, for {@link State#PENDING})
 */
public record MonitorStatus(MonitorBinding binding, NodeId node, State state, int failures, String reason,
                            Instant at) {

    public enum State {
        /** Bound, first check not run yet. */
        PENDING,
        HEALTHY,
        /** Working, but the monitor says an operator should look. Not a failure. */
        DEGRADED,
        /** Failed checks, fewer than {@code count} in a row: nothing happens yet. */
        FAILING,
        /** {@code count} failed checks in a row: the resource failed / the node is not eligible. */
        FAILED,
        /** The monitor could not tell (its own UNKNOWN verdict): neither a failure nor a success. */
        UNKNOWN,
        /** No monitor of the type is registered on the node (plug-in missing): shown, never a failover. */
        TYPE_MISSING;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    public MonitorStatus {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    /**
     * One line for the shell: "FAILING (2 of 3): monitor gw: no answer from 10.0.0.1 within 2000 ms", "FAILED (3 in
     * a row): ...".
     */
    public String describe() {
        String head = state.word().toUpperCase(java.util.Locale.ROOT);
        if (state == State.FAILING) {
            head += " (" + failures + " of " + binding.count() + ")";
        } else if (state == State.FAILED) {
            head += " (" + failures + " in a row)";
        }
        return head + ": " + reason;
    }
}
