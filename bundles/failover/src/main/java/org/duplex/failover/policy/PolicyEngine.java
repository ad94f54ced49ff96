package org.duplex.failover.policy;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.model.ClusterOptions;
import org.duplex.failover.model.Colocation;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.GroupPolicy;
import org.duplex.failover.model.NoQuorumPolicy;
import org.duplex.failover.model.OnFail;
import org.duplex.failover.policy.Action.Intent;
import org.duplex.failover.policy.Action.Op;

/**
 * The scheduler: a pure function from a {@link ClusterSnapshot} to a {@link Plan}. No clock, no I/O, no state
 * between calls; the same snapshot always gives the same plan.
 *
 * <p>Placement follows Pacemaker's scoring: each step down a group's node list costs {@value #POSITION_SCORE}
 * points, the node the group runs on gets its stickiness, "prefer apart" costs {@value #PREFER_APART_PENALTY}.
 * Safety comes before placement: a group that may still run on a node that is not {@link Liveness#DEAD}
 * and cannot be told to stop (suspect, partitioned, unknown, maintenance, stop in flight, stop unconfirmed) is
 * never started anywhere else.
 */
public final class PolicyEngine {

    static final int POSITION_SCORE = 100;
    static final int PREFER_APART_PENALTY = 1_000_000;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.S").withZone(ZoneOffset.UTC);

    public Plan plan(ClusterSnapshot s) {
        // Fences run first, but the group that needs one may be planned after other groups on the same node:
        // plan again knowing every fence until none is new, so all of a fenced node's groups recover this round.
        Run run = new Run(s, List.of());
        Plan plan = run.plan();
        while (run.fences.size() > run.knownFences) {
            run = new Run(s, run.fences);
            plan = run.plan();
        }
        return plan;
    }

    /** One evaluation; holds the working state of a single call. */
    private static final class Run {
        private final ClusterSnapshot s;
        private final FailoverConfig config;
        private final ClusterOptions options;
        private final FencingEpoch epoch;
        private final List<Action> fences = new ArrayList<>();
        private final List<Action> early = new ArrayList<>();
        private final List<Action> stops = new ArrayList<>();
        private final List<Action> starts = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<ResourceId, Optional<NodeId>> targets = new LinkedHashMap<>();
        /** Nodes this plan fences before anything else; their groups count as stopped afterwards. */
        private final Set<NodeId> fenced = new LinkedHashSet<>();
        /** How many of {@link #fences} an earlier evaluation of the same snapshot decided. */
        private final int knownFences;
        /** FOLLOW actions: after every start, so that a standby that cannot follow delays no group. */
        private final List<Action> follows = new ArrayList<>();
        private final Map<ResourceId, Optional<Promotion>> promotions = new HashMap<>();

        Run(ClusterSnapshot s, List<Action> knownFences) {
            this.s = s;
            // an operator's placement (ha:switchover) counts as its node being first in the group's list; the
            // configured list is untouched, and the usual stickiness and failback rules apply to the rest
            this.config = s.config().withPlacementsApplied();
            this.options = config.options();
            this.epoch = s.quorum().epoch();
            this.fences.addAll(knownFences);
            knownFences.forEach(f -> fenced.add(f.node()));
            this.knownFences = knownFences.size();
        }

        Plan plan() {
            if (!s.quorum().quorate() && options.noQuorumPolicy() != NoQuorumPolicy.IGNORE) {
                return planWithoutQuorum();
            }
            for (ResourceGroup g : placementOrder()) {
                planGroup(g);
            }
            List<Action> all = new ArrayList<>(fences);
            all.addAll(early);
            all.addAll(stops);
            all.addAll(starts);
            all.addAll(follows);
            return new Plan(epoch, all, targets, notes);
        }

        // ---- without quorum ---------------------------------------------------------------------------

        private Plan planWithoutQuorum() {
            NodeId local = s.quorum().localNode();
            String why = "no quorum (" + s.quorum().reason() + ")";
            for (ResourceGroup g : config.groups()) {
                targets.put(g.id(), Optional.empty());
                if (!activeOn(g, local)) {
                    continue;
                }
                if (s.quorum().settling()) {
                    notes.add(g.id() + " kept on " + local + ": " + why + ", but this partition is settling (it "
                            + "expects to regain quorum shortly and nobody else has it): nothing stops, nothing starts");
                } else if (options.noQuorumPolicy() == NoQuorumPolicy.FREEZE) {
                    notes.add(g.id() + " frozen on " + local + ": " + why + ", no-quorum-policy=freeze");
                } else if (!config.policyOf(g.id()).managed()) {
                    notes.add(g.id() + " left running on " + local + ": " + why + " but the group is unmanaged");
                } else if (mode(local) == NodeMode.MAINTENANCE) {
                    notes.add(g.id() + " left alone on " + local + ": " + why + " but " + local
                            + " is in maintenance");
                } else {
                    stopGroup(g, local, Intent.NO_QUORUM, stops, why + ": stopping " + g.id() + " on " + local
                            + " so that the quorate partition can take it over");
                }
            }
            return new Plan(epoch, stops, targets, notes);
        }

        // ---- one group ------------------------------------------------------------------------------

        private void planGroup(ResourceGroup g) {
            GroupPolicy p = config.policyOf(g.id());
            Set<NodeId> locations = locations(g);

            if (!p.managed()) {
                notes.add(g.id() + " is unmanaged: left as it is" + (locations.isEmpty() ? "" : " on " + locations));
                targets.put(g.id(), locations.stream().findFirst());
                return;
            }

            // 1. nodes the group may run on that nobody can order to stop: nothing moves until they can, unless
            //    a partitioned node (heard, but out of the membership) can be fenced by this quorate side
            for (NodeId n : locations) {
                Liveness l = liveness(n);
                if (l == Liveness.PARTITIONED && s.quorum().quorate() && canFence(n)) {
                    if (!fence(n, g, n + " " + describe(n) + " and may still run " + g.id())) {
                        blockedOnFence(g, n);
                        return;
                    }
                    continue;
                }
                if (l != Liveness.ALIVE && l != Liveness.DEAD) {
                    notes.add(g.id() + " waits: it may still run on " + n + ", which " + describe(n)
                            + "; nothing of it starts elsewhere until " + n + " is alive or dead"
                            + (l == Liveness.PARTITIONED && !canFence(n) ? " (no fencing device covers " + n + ")"
                            : ""));
                    targets.put(g.id(), Optional.of(n));
                    return;
                }
                if (l == Liveness.ALIVE && mode(n) == NodeMode.MAINTENANCE) {
                    notes.add(g.id() + " left alone on " + n + ": the node is in maintenance");
                    targets.put(g.id(), Optional.of(n));
                    return;
                }
            }

            // 2. dead nodes: fenced first when a device covers them (or fencing=true), else trusted to have
            //    stopped their groups themselves (they lost quorum)
            Set<NodeId> live = new LinkedHashSet<>();
            for (NodeId n : locations) {
                if (fenced.contains(n)) {
                    continue;
                }
                if (liveness(n) == Liveness.DEAD) {
                    if (canFence(n) && !fence(n, g, n + " " + describe(n) + ", and " + g.id() + " may have run there")) {
                        blockedOnFence(g, n);
                        return;
                    }
                } else {
                    live.add(n);
                }
            }

            // 3. unconfirmed stops, operations in flight, unknown states
            for (NodeId n : new ArrayList<>(live)) {
                List<ResourceId> blocked = members(g, n, ResourceState.BLOCKED);
                if (!blocked.isEmpty()) {
                    if (canFence(n)) {
                        if (!fence(n, g, "stop of " + join(blocked) + " on " + n + " could not be confirmed")) {
                            blockedOnFence(g, n);
                            return;
                        }
                        live.remove(n);
                    } else {
                        early.add(new Action(Op.BLOCK, Intent.BLOCKED, Optional.of(g.id()), Optional.empty(), n,
                                epoch, g.id() + " blocked: stop of " + join(blocked) + " on " + n
                                + " could not be confirmed and no fencing is configured; check the node, then "
                                + "ha:cleanup " + blocked.get(0)));
                        targets.put(g.id(), Optional.of(n));
                        return;
                    }
                }
            }
            for (NodeId n : live) {
                List<ResourceId> busy = members(g, n, ResourceState.STARTING);
                busy.addAll(members(g, n, ResourceState.STOPPING));
                if (!busy.isEmpty()) {
                    notes.add(g.id() + " waits: " + join(busy) + " on " + n + " has an operation in flight");
                    targets.put(g.id(), Optional.of(n));
                    return;
                }
            }
            for (NodeId n : live) {
                List<ResourceId> failed = blockingFailures(g, p, n);
                if (!failed.isEmpty()) {
                    ResourceId r = failed.get(0);
                    early.add(new Action(Op.BLOCK, Intent.BLOCKED, Optional.of(g.id()), Optional.empty(), n, epoch,
                            g.id() + " blocked on " + n + ": " + r + " failed there" + lastFailure(r, n)
                            + " and on-fail=block: nothing of " + g.id() + " is stopped, started or moved until "
                            + "ha:cleanup " + r));
                    targets.put(g.id(), Optional.of(n));
                    return;
                }
            }
            boolean probing = false;
            for (NodeId n : live) {
                for (ResourceId r : members(g, n, ResourceState.UNKNOWN)) {
                    early.add(new Action(Op.PROBE, Intent.PROBE, Optional.of(g.id()), Optional.of(r), n, epoch,
                            "state of " + r + " on " + n + " is unknown: probing before deciding " + g.id()));
                    probing = true;
                }
                // FAILED with no failure counting (expired, or not counted in maintenance) is stale: Pacemaker
                // re-runs the monitor rather than restart; a probe that still finds it failed counts anew
                for (ResourceId r : members(g, n, ResourceState.FAILED)) {
                    if (failCount(r, n, p) == 0) {
                        String last = lastFailure(r, n);
                        early.add(new Action(Op.PROBE, Intent.PROBE, Optional.of(g.id()), Optional.of(r), n, epoch,
                                r + " is still marked failed on " + n + " but " + (last.isEmpty()
                                ? "no failure of it counts there" : "that failure has expired" + last)
                                + ": probing before deciding " + g.id()));
                        probing = true;
                    }
                }
            }
            if (probing) {
                targets.put(g.id(), live.stream().findFirst());
                return;
            }

            // 4. where it should run
            Choice choice = choose(g, p, live);
            if (live.size() > 1 && choice.node.isPresent()) {
                choice = keeper(g, p, live).orElse(choice);
            }
            targets.put(g.id(), choice.node);

            // 5. stop wherever it runs but should not, then start or repair on the target
            for (NodeId n : live) {
                if (choice.node.filter(n::equals).isEmpty() && fencesForFailure(g, p, n) && fenceWaits(n)) {
                    blockedOnFence(g, n);
                    return;
                }
            }
            for (NodeId n : live) {
                if (choice.node.isPresent() && choice.node.get().equals(n)) {
                    continue;
                }
                String reason = moveReason(g, p, n, choice);
                if (live.size() > 1) {
                    reason = g.id() + " active on " + live.stream().map(Object::toString)
                            .collect(Collectors.joining(" and ")) + ": stopping the copy on " + n + "; "
                            + choice.why;
                }
                Intent intent = choice.node.isEmpty() || live.size() > 1 ? Intent.STOP
                        : isBetterListed(g, choice.node.get(), n) && eligibleWhy(g, p, n).isEmpty()
                        ? Intent.FAILBACK : Intent.MOVE;
                if (fencesForFailure(g, p, n)) {
                    fence(n, g, join(failedMembers(g, n)) + " failed on " + n + " and on-fail=fence");
                } else {
                    stopGroup(g, n, intent, stops, reason);
                }
            }
            if (choice.node.isEmpty()) {
                if (live.isEmpty()) {
                    notes.add(g.id() + " stays stopped: " + choice.why);
                }
                return;
            }
            NodeId target = choice.node.get();
            if (live.contains(target)) {
                repairInPlace(g, p, target);
            } else {
                NodeId from = live.stream().findFirst().orElse(null);
                String reason;
                Intent intent;
                if (from != null) {
                    intent = isBetterListed(g, target, from) && eligibleWhy(g, p, from).isEmpty()
                            ? Intent.FAILBACK : Intent.MOVE;
                    reason = moveReason(g, p, from, choice);
                } else if (!locations.isEmpty()) {
                    NodeId gone = locations.iterator().next();
                    // the same words whether this group's fence was decided in this evaluation or an earlier one
                    boolean ownFence = fenced.contains(gone) && fencesForFailure(g, p, gone);
                    intent = ownFence ? Intent.MOVE : Intent.RECOVER;
                    String goneWhy = !fenced.contains(gone) ? describe(gone) : ownFence ? "is being fenced: "
                            + join(failedMembers(g, gone)) + " failed there and on-fail=fence" : "is being fenced";
                    reason = g.id() + " moved to " + target + ": " + gone + " " + goneWhy + "; " + choice.why;
                } else {
                    intent = Intent.START;
                    reason = g.id() + " started on " + target + ": " + choice.why;
                }
                for (ResourceId r : g.resources()) {
                    starts.add(startOrPromote(g, r, target, intent, reason));
                }
            }
            planFollowers(g, p, target);
        }

        /** The group should stay on {@code n}: restart from the first member that is not running. */
        private void repairInPlace(ResourceGroup g, GroupPolicy p, NodeId n) {
            List<ResourceId> members = g.resources();
            int first = -1;
            for (int i = 0; i < members.size(); i++) {
                if (st(n, members.get(i)) != ResourceState.RUNNING) {
                    first = i;
                    break;
                }
            }
            if (first < 0) {
                return;
            }
            ResourceId broken = members.get(first);
            ResourceState st = st(n, broken);
            String reason;
            Intent intent;
            if (st == ResourceState.FAILED) {
                int count = failCount(broken, n, p);
                intent = Intent.RESTART;
                reason = g.id() + " restarted on " + n + ": " + broken + " failed there" + lastFailure(broken, n)
                        + "; failure " + count + (p.migrationThreshold() > 0
                        ? " of " + p.migrationThreshold() + " before it moves" : ", never moves on failures");
            } else {
                intent = Intent.START;
                reason = g.id() + " completed on " + n + ": " + broken + " is " + st.name().toLowerCase()
                        + " there while the group should run";
            }
            for (int i = members.size() - 1; i >= first; i--) {
                ResourceId r = members.get(i);
                if (st(n, r) != ResourceState.STOPPED) {
                    stops.add(new Action(Op.STOP, intent, Optional.of(g.id()), Optional.of(r), n, epoch, reason));
                }
            }
            for (int i = first; i < members.size(); i++) {
                starts.add(startOrPromote(g, members.get(i), n, intent, reason));
            }
        }

        private void stopGroup(ResourceGroup g, NodeId n, Intent intent, List<Action> into, String reason) {
            for (ResourceId r : g.stopOrder()) {
                if (st(n, r) != ResourceState.STOPPED) {
                    into.add(new Action(Op.STOP, intent, Optional.of(g.id()), Optional.of(r), n, epoch, reason));
                }
            }
        }

        /**
         * Fences {@code n} first in this plan (once, whatever the number of groups that need it). False when the
         * last fence of {@code n} failed and its retry is not due yet: the caller blocks the group.
         */
        private boolean fence(NodeId n, ResourceGroup g, String why) {
            if (fenced.contains(n)) {
                return true;
            }
            if (fenceWaits(n)) {
                return false;
            }
            fenced.add(n);
            FencingView.FenceFailure last = s.fencing().failures().get(n);
            fences.add(new Action(Op.FENCE, Intent.FENCE, Optional.of(g.id()), Optional.empty(), n, epoch,
                    "fence " + n + " before its groups start elsewhere: " + why
                    + (last == null ? "" : " (retry: the fence at " + TIME.format(last.at()) + " failed: "
                    + last.reason() + ")")));
            return true;
        }

        /** A failed fence of {@code n} whose retry is not due yet. */
        private boolean fenceWaits(NodeId n) {
            FencingView.FenceFailure last = s.fencing().failures().get(n);
            return last != null && s.now().isBefore(last.retryAt()) && !fenced.contains(n);
        }

        /** Fencing {@code n} failed: the group stays where it is, blocked, until a retry succeeds. */
        private void blockedOnFence(ResourceGroup g, NodeId n) {
            FencingView.FenceFailure last = s.fencing().failures().get(n);
            early.add(new Action(Op.BLOCK, Intent.BLOCKED, Optional.of(g.id()), Optional.empty(), n, epoch,
                    g.id() + " blocked: fencing " + n + " failed at " + TIME.format(last.at()) + " ("
                    + last.reason() + "); " + g.id() + " stays where it is and starts nowhere else until " + n
                    + " is fenced; next attempt at " + TIME.format(last.retryAt())));
            targets.put(g.id(), Optional.of(n));
        }

        /** on-fail=fence: a member of {@code g} failed on {@code n}, which can be fenced. */
        private boolean fencesForFailure(ResourceGroup g, GroupPolicy p, NodeId n) {
            return p.onFail() == OnFail.FENCE && !failedMembers(g, n).isEmpty() && canFence(n);
        }

        /** A device covers {@code n}, or the cluster option {@code fencing=true} demands fencing (no device: fails). */
        private boolean canFence(NodeId n) {
            return options.fencing() || s.fencing().covers(n);
        }

        // ---- placement ----------------------------------------------------------------------------------

        private record Choice(Optional<NodeId> node, String why) {
        }

        private Choice choose(ResourceGroup g, GroupPolicy p, Set<NodeId> live) {
            NodeId current = live.size() == 1 ? live.iterator().next() : null;
            if (p.onFail() == OnFail.STOP) {
                for (ResourceId r : g.resources()) {
                    for (Failure f : s.failures()) {
                        if (f.resource().equals(r) && f.countsAt(s.now(), failureTimeout(p))) {
                            return new Choice(Optional.empty(), r + " failed on " + f.node() + " (" + f.reason()
                                    + ") and on-fail=stop; ha:cleanup " + r + " to start it again");
                        }
                    }
                }
            }
            Optional<Colocation> with = p.colocations().stream()
                    .filter(c -> c.kind() == Colocation.Kind.WITH).findFirst();
            if (with.isPresent()) {
                Optional<NodeId> other = targets.getOrDefault(with.get().other(), Optional.empty());
                if (other.isEmpty()) {
                    return new Choice(Optional.empty(), "it runs only with " + with.get().other()
                            + ", which is stopped");
                }
            }
            // failback not allowed now: stay where it is if it may stay there
            if (current != null && eligibleWhy(g, p, current).isEmpty()
                    && !p.failback().allowsFailbackAt(s.now(), options.zone())) {
                NodeId best = bestIgnoringStickiness(g, p);
                String why = best != null && !best.equals(current)
                        ? "failback=" + p.failback() + " keeps it on " + current + " although " + best
                        + " is preferred" : current + " is eligible";
                return new Choice(Optional.of(current), why);
            }
            Optional<Promotion> promotion = promo(g);
            if (promotion.isPresent() && promotion.get().hasHistory()
                    && (current == null || eligibleWhy(g, p, current).isPresent())) {
                return mostAdvanced(g, p, promotion.get());
            }
            NodeId bestNode = null;
            long bestScore = Long.MIN_VALUE;
            List<String> rejected = new ArrayList<>();
            List<NodeId> list = g.nodes();
            for (int i = 0; i < list.size(); i++) {
                NodeId n = list.get(i);
                Optional<String> why = eligibleWhy(g, p, n);
                if (why.isPresent()) {
                    rejected.add(why.get());
                    continue;
                }
                long score = (long) (list.size() - i) * POSITION_SCORE;
                if (n.equals(current)) {
                    score += p.stickiness();
                }
                score -= preferApartPenalty(p, n);
                // on a tie the group stays where it runs: moving costs an outage
                if (score > bestScore || score == bestScore && n.equals(current)) {
                    bestScore = score;
                    bestNode = n;
                }
            }
            if (bestNode == null) {
                return new Choice(Optional.empty(), "no eligible node: " + String.join("; ", rejected));
            }
            String why;
            if (bestNode.equals(current)) {
                why = bestNode + " is eligible";
            } else if (bestNode.equals(firstEligible(g, p))) {
                why = bestNode + (list.indexOf(bestNode) == 0 ? placedOn(g, bestNode) ? " is where the operator "
                        + "placed it (" + config.placementOf(g.id()).orElseThrow().describe() + "; ha:switchover "
                        + "--clear " + g.id() + " removes the placement)" : " is first in priority"
                        : " is next in priority");
            } else {
                why = bestNode + " scores best (stickiness " + p.stickiness() + ", prefers apart from "
                        + p.colocations().stream().filter(c -> c.kind() == Colocation.Kind.PREFER_APART)
                        .map(c -> c.other().toString()).collect(Collectors.joining(",")) + ")";
            }
            return new Choice(Optional.of(bestNode), why);
        }

        /**
         * A failover of a group with a promotable member: the eligible node with the most advanced copy, node
         * priority only on a tie (Pacemaker would take the best promotion score; here the score is the position).
         * Nodes whose copy is too far behind are not eligible ({@link Promotion#refuse}).
         */
        private Choice mostAdvanced(ResourceGroup g, GroupPolicy p, Promotion pr) {
            List<String> rejected = new ArrayList<>();
            List<NodeId> candidates = new ArrayList<>();
            for (NodeId n : g.nodes()) {
                Optional<String> why = eligibleWhy(g, p, n);
                if (why.isPresent()) {
                    rejected.add(why.get());
                } else {
                    candidates.add(n);
                }
            }
            if (candidates.isEmpty()) {
                return new Choice(Optional.empty(), "no eligible node: " + String.join("; ", rejected));
            }
            candidates.sort(pr.bestFirst(g));
            NodeId best = candidates.get(0);
            String others = candidates.stream().skip(1).map(n -> n + " at " + pr.position(n)
                    .map(org.duplex.api.agent.ReplicationPosition::text).orElse("an unknown position"))
                    .collect(Collectors.joining(", "));
            return new Choice(Optional.of(best), best + " has the most advanced copy of " + pr.id() + " ("
                    + pr.position(best).map(org.duplex.api.agent.ReplicationPosition::text).orElse("no position yet")
                    + ")" + (others.isEmpty() ? "" : "; " + others)
                    + (rejected.isEmpty() ? "" : "; not eligible: " + String.join("; ", rejected)));
        }

        /**
         * A promotable member's copies on the group's other nodes follow the primary on {@code target}: stopped
         * copies start as standbys, standbys known to follow another node are pointed at {@code target}. Only on
         * live, online member nodes where the member is not banned; a copy still running as a primary is stopped
         * by the group's own rules first and follows in a later round.
         */
        private void planFollowers(ResourceGroup g, GroupPolicy p, NodeId target) {
            Optional<Promotion> promotion = promo(g);
            if (promotion.isEmpty()) {
                return;
            }
            Promotion pr = promotion.get();
            for (NodeId n : g.nodes()) {
                Node node = s.nodes().get(n);
                if (n.equals(target) || node == null || fenced.contains(n) || node.liveness() != Liveness.ALIVE
                        || !node.canRunResources() || s.unhealthy(g.id(), n).isPresent()) {
                    continue;
                }
                int threshold = migrationThreshold(p);
                if (threshold > 0 && failCount(pr.id(), n, p) >= threshold) {
                    continue;
                }
                ResourceState raw = s.state(n, pr.id());
                String reason;
                if (raw == ResourceState.STOPPED) {
                    reason = pr.id() + " on " + n + " starts as a standby of " + target + ", where " + g.id()
                            + " runs";
                } else if (raw == ResourceState.STANDBY && pr.following(n).filter(f -> !f.equals(target.toString()))
                        .isPresent()) {
                    reason = "the standby of " + pr.id() + " on " + n + " follows " + pr.following(n).get()
                            + ": pointed at the primary on " + target;
                } else {
                    continue;
                }
                follows.add(new Action(Op.FOLLOW, Intent.FOLLOW, Optional.of(g.id()), Optional.of(pr.id()), n,
                        epoch, reason, Optional.of(target)));
            }
        }

        /** START for a member, or PROMOTE when it is a promotable member whose standby runs on {@code n}. */
        private Action startOrPromote(ResourceGroup g, ResourceId r, NodeId n, Intent intent, String reason) {
            Optional<Promotion> pr = promo(g).filter(x -> x.id().equals(r));
            if (pr.isEmpty()) {
                return new Action(Op.START, intent, Optional.of(g.id()), Optional.of(r), n, epoch, reason);
            }
            String risk = pr.get().forcedRisk(n).map(x -> "; " + x).orElse("");
            Op op = s.state(n, r) == ResourceState.STANDBY ? Op.PROMOTE : Op.START;
            return new Action(op, intent, Optional.of(g.id()), Optional.of(r), n, epoch, reason + risk);
        }

        /**
         * Copies on several nodes (a healed partition, a JVM restarted while its VIP stayed up): keep the complete
         * copy on an eligible node, else the partial copy on the eligible node first in priority, and stop the
         * others. Never complete a partial copy while a complete one runs elsewhere; a failback, if due, is
         * decided in a later round from a single clean copy. Empty when no copy is on an eligible node.
         */
        private Optional<Choice> keeper(ResourceGroup g, GroupPolicy p, Set<NodeId> liveCopies) {
            // two primaries of a promotable member (a node came back still running one): keep the most advanced,
            // which is the newer history, whatever the node priority says
            List<NodeId> live = new ArrayList<>(liveCopies);
            promo(g).ifPresent(pr -> live.sort(pr.bestFirst(g)));
            for (NodeId n : live) {
                if (complete(g, n) && eligibleWhy(g, p, n).isEmpty()) {
                    return Optional.of(new Choice(Optional.of(n), n + " runs the complete group"));
                }
            }
            for (NodeId n : live) {
                if (eligibleWhy(g, p, n).isEmpty()) {
                    return Optional.of(new Choice(Optional.of(n), "no copy is complete; " + n
                            + " is first in priority among the partial copies"));
                }
            }
            return Optional.empty();
        }

        private boolean complete(ResourceGroup g, NodeId n) {
            return g.resources().stream().allMatch(r -> st(n, r) == ResourceState.RUNNING);
        }

        private boolean placedOn(ResourceGroup g, NodeId n) {
            return config.placementOf(g.id()).filter(pl -> pl.node().equals(n)).isPresent();
        }

        private NodeId firstEligible(ResourceGroup g, GroupPolicy p) {
            return g.nodes().stream().filter(n -> eligibleWhy(g, p, n).isEmpty()).findFirst().orElse(null);
        }

        private NodeId bestIgnoringStickiness(ResourceGroup g, GroupPolicy p) {
            NodeId best = null;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < g.nodes().size(); i++) {
                NodeId n = g.nodes().get(i);
                if (eligibleWhy(g, p, n).isEmpty()) {
                    long score = (long) (g.nodes().size() - i) * POSITION_SCORE - preferApartPenalty(p, n);
                    if (score > bestScore) {
                        bestScore = score;
                        best = n;
                    }
                }
            }
            return best;
        }

        private long preferApartPenalty(GroupPolicy p, NodeId n) {
            long penalty = 0;
            for (Colocation c : p.colocations()) {
                if (c.kind() == Colocation.Kind.PREFER_APART
                        && targets.getOrDefault(c.other(), Optional.empty()).filter(n::equals).isPresent()) {
                    penalty += PREFER_APART_PENALTY;
                }
            }
            return penalty;
        }

        /** Empty when {@code g} may run on {@code n}; otherwise why not, in words. */
        private Optional<String> eligibleWhy(ResourceGroup g, GroupPolicy p, NodeId n) {
            Node node = s.nodes().get(n);
            if (node == null) {
                return Optional.of(n + " is not a known node");
            }
            if (!g.nodes().contains(n)) {
                return Optional.of(n + " is not in the node list of " + g.id());
            }
            if (fenced.contains(n)) {
                return Optional.of(n + " is being fenced");
            }
            if (!node.canRunResources()) {
                return Optional.of(n + " " + describe(n));
            }
            Optional<String> unhealthy = s.unhealthy(g.id(), n); // node-health monitors (on=node)
            if (unhealthy.isPresent()) {
                return Optional.of(n + " fails a node-health check of " + g.id() + ": " + unhealthy.get());
            }
            for (ResourceId r : g.resources()) {
                int count = failCount(r, n, p);
                int threshold = migrationThreshold(p);
                if (threshold > 0 && count >= threshold) {
                    return Optional.of(n + " is banned: " + r + " failed there " + count + " time"
                            + (count == 1 ? "" : "s") + lastFailure(r, n) + " (threshold " + threshold
                            + ", on-fail=" + p.onFail().name().toLowerCase() + ")");
                }
            }
            for (Colocation c : p.colocations()) {
                Optional<NodeId> other = targets.getOrDefault(c.other(), Optional.empty());
                if (c.kind() == Colocation.Kind.APART && other.filter(n::equals).isPresent()) {
                    return Optional.of(n + " runs " + c.other() + ", which " + g.id() + " must stay apart from");
                }
                if (c.kind() == Colocation.Kind.WITH && other.isPresent() && !other.get().equals(n)) {
                    return Optional.of(n + " does not run " + c.other() + ", which " + g.id() + " runs with");
                }
            }
            // the other direction: a group placed before g that must stay apart from it (unmanaged, or in a cycle)
            for (ResourceGroup other : config.groups()) {
                if (targets.getOrDefault(other.id(), Optional.empty()).filter(n::equals).isPresent()
                        && config.policyOf(other.id()).colocations().stream().anyMatch(c ->
                        c.kind() == Colocation.Kind.APART && c.other().equals(g.id()))) {
                    return Optional.of(n + " runs " + other.id() + ", which must stay apart from " + g.id());
                }
            }
            // a promotable member: only a copy that loses nothing (or that the operator forced) becomes primary
            return promo(g).flatMap(pr -> pr.refuse(n));
        }

        private String moveReason(ResourceGroup g, GroupPolicy p, NodeId from, Choice choice) {
            Optional<String> notHere = eligibleWhy(g, p, from);
            if (choice.node.isEmpty()) {
                return g.id() + " stopped on " + from + ": " + choice.why;
            }
            NodeId to = choice.node.get();
            String because = notHere.orElse(to + " is preferred to " + from + " and failback="
                    + p.failback() + " allows it now");
            return g.id() + " moved to " + to + ": " + because + "; " + choice.why;
        }

        private boolean isBetterListed(ResourceGroup g, NodeId a, NodeId b) {
            int ia = g.nodes().indexOf(a);
            int ib = g.nodes().indexOf(b);
            return ia >= 0 && (ib < 0 || ia < ib);
        }

        /**
         * Unmanaged groups first (they stay where they are, so the others are placed around them); a group with a
         * "with" or "apart" constraint after the group it names (Pacemaker places the primary of a colocation
         * first, whatever the priorities); otherwise priority, then declaration order.
         */
        private List<ResourceGroup> placementOrder() {
            List<ResourceGroup> pending = new ArrayList<>(config.groups());
            pending.sort(Comparator.comparing((ResourceGroup g) -> config.policyOf(g.id()).managed())
                    .thenComparingInt(g -> -config.policyOf(g.id()).priority()));
            List<ResourceGroup> ordered = new ArrayList<>();
            Set<ResourceId> done = new LinkedHashSet<>();
            while (!pending.isEmpty()) {
                ResourceGroup next = pending.stream().filter(g -> !config.policyOf(g.id()).managed()
                        || config.policyOf(g.id()).colocations().stream()
                        .filter(c -> c.kind() != Colocation.Kind.PREFER_APART)
                        .allMatch(c -> done.contains(c.other())))
                        .findFirst().orElse(pending.get(0));
                pending.remove(next);
                ordered.add(next);
                done.add(next.id());
            }
            return ordered;
        }

        // ---- state queries ------------------------------------------------------------------------------

        /** Nodes where any member may be active (anything but STOPPED), in node-list order then by name. */
        private Set<NodeId> locations(ResourceGroup g) {
            Set<NodeId> result = new LinkedHashSet<>();
            List<NodeId> all = new ArrayList<>(g.nodes());
            s.states().keySet().stream().sorted().filter(n -> !all.contains(n)).forEach(all::add);
            for (NodeId n : all) {
                if (activeOn(g, n)) {
                    result.add(n);
                }
            }
            return result;
        }

        private boolean activeOn(ResourceGroup g, NodeId n) {
            return g.resources().stream().anyMatch(r -> st(n, r) != ResourceState.STOPPED);
        }

        private List<ResourceId> members(ResourceGroup g, NodeId n, ResourceState state) {
            return g.resources().stream().filter(r -> st(n, r) == state)
                    .collect(Collectors.toCollection(ArrayList::new));
        }

        private List<ResourceId> failedMembers(ResourceGroup g, NodeId n) {
            return members(g, n, ResourceState.FAILED);
        }

        /** on-fail=block: the members whose failure keeps {@code g} blocked where it may still run. */
        private List<ResourceId> blockingFailures(ResourceGroup g, GroupPolicy p, NodeId n) {
            if (p.onFail() != OnFail.BLOCK || !activeOn(g, n)) {
                return List.of();
            }
            return g.resources().stream().filter(r -> st(n, r) == ResourceState.FAILED
                    || failCount(r, n, p) > 0).toList();
        }

        private int failCount(ResourceId r, NodeId n, GroupPolicy p) {
            int count = 0;
            for (Failure f : s.failures()) {
                if (f.resource().equals(r) && f.node().equals(n) && f.countsAt(s.now(), failureTimeout(p))) {
                    count++;
                }
            }
            return count;
        }

        private String lastFailure(ResourceId r, NodeId n) {
            Failure last = null;
            for (Failure f : s.failures()) {
                if (f.resource().equals(r) && f.node().equals(n) && (last == null || f.at().isAfter(last.at()))) {
                    last = f;
                }
            }
            return last == null ? "" : " (last at " + TIME.format(last.at()) + ": " + last.reason() + ")";
        }

        /**
         * A member's state as the group sees it: a promotable member running as a standby does not make its group
         * active on that node, so it counts as stopped; everything else as reported.
         */
        private ResourceState st(NodeId n, ResourceId r) {
            ResourceState raw = s.state(n, r);
            if (raw == ResourceState.STANDBY) {
                ResourceGroup g = config.groupOf(r).orElse(null);
                if (g != null && promo(g).filter(pr -> pr.id().equals(r)).isPresent()) {
                    return ResourceState.STOPPED;
                }
            }
            return raw;
        }

        private Optional<Promotion> promo(ResourceGroup g) {
            return promotions.computeIfAbsent(g.id(), k -> Promotion.of(s, config, g));
        }

        private Liveness liveness(NodeId n) {
            Node node = s.nodes().get(n);
            return node == null ? Liveness.UNKNOWN : node.liveness();
        }

        private NodeMode mode(NodeId n) {
            Node node = s.nodes().get(n);
            return node == null ? NodeMode.ONLINE : node.mode();
        }

        /** "dead (silent on all 3 links since 12:00:01.2)", "in standby", "a witness". */
        private String describe(NodeId n) {
            Node node = s.nodes().get(n);
            if (node == null) {
                return "not a known node";
            }
            String note = s.nodeNotes().getOrDefault(n, "");
            String suffix = note.isBlank() ? "" : " (" + note + ")";
            if (node.liveness() != Liveness.ALIVE) {
                return "is " + node.liveness().name().toLowerCase() + suffix;
            }
            if (node.role() != org.duplex.api.model.NodeRole.MEMBER) {
                return "is a witness and runs no resources";
            }
            if (node.mode() != NodeMode.ONLINE) {
                return "is in " + node.mode().name().toLowerCase() + suffix;
            }
            return "is alive" + suffix;
        }

        private static String join(List<ResourceId> ids) {
            return ids.stream().map(Object::toString).collect(Collectors.joining(","));
        }
    }

    /**
     * Failures of a member on a node that ban the group from it; 0 = never. on-fail=move/fence/block ban at once
     * (a blocked group's node stays banned while its failure stands).
     */
    public static int migrationThreshold(GroupPolicy p) {
        return p.onFail() == OnFail.MOVE || p.onFail() == OnFail.FENCE || p.onFail() == OnFail.BLOCK ? 1
                : p.migrationThreshold();
    }

    /**
     * How long a failure counts; zero = until {@code ha:cleanup}. on-fail=stop and on-fail=block ignore
     * failure-timeout: their failure asks for the operator, and an expiry would start again what they keep down.
     */
    public static java.time.Duration failureTimeout(GroupPolicy p) {
        return p.onFail() == OnFail.STOP || p.onFail() == OnFail.BLOCK ? java.time.Duration.ZERO
                : p.failureTimeout();
    }

    /** Used by callers that want the group's member failures counted the way the engine counts them. */
    public static Map<NodeId, Integer> failCounts(ClusterSnapshot s, ResourceId resource) {
        Map<NodeId, Integer> counts = new HashMap<>();
        ResourceGroup g = s.config().groupOf(resource).orElse(null);
        GroupPolicy p = g == null ? GroupPolicy.DEFAULT : s.config().policyOf(g.id());
        for (Failure f : s.failures()) {
            if (f.resource().equals(resource) && f.countsAt(s.now(), failureTimeout(p))) {
                counts.merge(f.node(), 1, Integer::sum);
            }
        }
        return counts;
    }

    static String time(java.time.Instant t) {
        return TIME.format(t);
    }
}
