package org.duplex.failover.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;

/**
 * The engine's answer.
 *
 * @param epoch   the fencing epoch every action carries
 * @param actions steps in execution order
 * @param targets where each managed group should run once the plan is done (empty: stopped or undecided)
 * @param notes   one line per group that gets no action but deserves an explanation (waiting, frozen, blocked)
 */
public record Plan(FencingEpoch epoch, List<Action> actions, Map<ResourceId, Optional<NodeId>> targets,
                   List<String> notes) {

    public Plan {
        Objects.requireNonNull(epoch, "epoch");
        actions = List.copyOf(actions);
        targets = Map.copyOf(targets);
        notes = List.copyOf(notes);
    }

    public boolean isEmpty() {
        return actions.isEmpty();
    }

    /** Multi-line text for the shell: actions with reasons, then notes. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        if (actions.isEmpty()) {
            sb.append("nothing to do (").append(epoch).append(")\n");
        }
        int i = 1;
        for (Action a : actions) {
            sb.append(String.format("%2d. %s%n      %s%n", i++, a.summary(), a.reason()));
        }
        for (String n : notes) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }
}
