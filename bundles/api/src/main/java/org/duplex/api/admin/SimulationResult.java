package org.duplex.api.admin;

import java.util.List;

/**
 * The plan the failover engine would make for a {@link SimulationRequest}, and where the groups would run if every
 * step of it succeeded. Nothing was carried out.
 *
 * @param failedNodes   the nodes treated as dead
 * @param candidate     whether a candidate configuration was planned with (else the running one)
 * @param groups        per group of the configuration planned with: now, afterwards, its steps
 * @param actions       the whole plan in order (fences, steps of every group, blocks)
 * @param notes         the engine's notes (no quorum, settling, ...)
 * @param violations    safety rules the plan would break when applied (empty for a sound plan)
 */
public record SimulationResult(List<String> failedNodes, boolean candidate, List<Group> groups,
                               List<PlannedAction> actions, List<String> notes, List<String> violations) {

    public SimulationResult {
        failedNodes = List.copyOf(failedNodes);
        groups = List.copyOf(groups);
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        violations = List.copyOf(violations);
    }

    /**
     * One group.
     *
     * @param group        group name
     * @param nodes        its node list, in order of preference (of the configuration planned with)
     * @param runningNow   nodes where any of its resources runs now (before the simulated failures)
     * @param runningAfter nodes where any of its resources would run after the plan
     * @param actions      the plan's steps for this group, in order
     * @param reasons      why, in the engine's words: the distinct reasons of its steps, then the engine's notes
     *                     about it ("web stays stopped: no eligible node: node1 is dead (simulated failure)")
     */
    public record Group(String group, List<String> nodes, List<String> runningNow, List<String> runningAfter,
                        List<PlannedAction> actions, List<String> reasons) {

        public Group {
            reasons = List.copyOf(reasons);
            nodes = List.copyOf(nodes);
            runningNow = List.copyOf(runningNow);
            runningAfter = List.copyOf(runningAfter);
            actions = List.copyOf(actions);
        }
    }

    /**
     * One step of the plan.
     *
     * @param op       start, stop, probe, fence or block
     * @param intent   why in one word: start, restart, move, failback, stop, recover, fence, blocked, probe, no-quorum
     * @param node     where
     * @param group    the group, or null (a fence serving several groups)
     * @param resource the resource, or null (fence, block)
     * @param reason   the engine's sentence for the operator
     */
    public record PlannedAction(String op, String intent, String node, String group, String resource,
                                String reason) {
    }
}
