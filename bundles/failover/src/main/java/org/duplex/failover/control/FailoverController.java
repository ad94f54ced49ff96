package org.duplex.failover.control;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;
import org.duplex.failover.history.History;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.Placement;
import org.duplex.failover.model.MonitorBinding;
import org.duplex.failover.policy.Action;
import org.duplex.failover.policy.ClusterSnapshot;
import org.duplex.failover.policy.FencingView;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.policy.PolicyEngine;
import org.duplex.failover.store.FailoverConfigStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the engine: builds the snapshot, asks for a plan, carries it out step by step through the transport
 * (stopping at the first step that fails, so a start never runs before the stop it depends on is confirmed),
 * keeps the state table and the history. Only the coordinator of a quorate partition acts on other nodes; a
 * node without quorum only carries out the stops its no-quorum policy asks of itself.
 */
public final class FailoverController {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverController.class);
    private static final Duration MARGIN = Duration.ofSeconds(5);

    /** Where nodes, their liveness and the quorum come from (the cluster and heartbeat bundles in production). */
    public interface ClusterView {
        QuorumState quorum();

        Map<NodeId, Node> nodes();

        /** Why each node has its liveness, for reasons ("silent on all 3 links since 12:00:01.2"). */
        Map<NodeId, String> notes();
    }

    /**
     * @param executed steps carried out that changed something (starts, stops, probes, fences; not blocks): the
     *                 component decides again at once when it is positive
     */
    public record RunResult(Plan plan, int executed, Optional<String> stoppedBecause) {
    }

    private final FailoverConfigStore store;
    private final ClusterView cluster;
    private final StateTable table;
    private final History history;
    private final ActionTransport transport;
    private final Fencer fencer;
    private final Clock clock;
    private final PolicyEngine engine = new PolicyEngine();
    private final Set<String> loggedNotes = new LinkedHashSet<>();
    /** The last failed fence of each node, until a fence of it succeeds: the engine blocks until the retry. */
    private final Map<NodeId, FencingView.FenceFailure> fenceFailures = new ConcurrentHashMap<>();
    private final FailoverCounters counters = new FailoverCounters();
    /** System.nanoTime() at the start of the running decision round, -1 outside one (a switchover's steps). */
    private long roundStart = -1;
    /** Groups started elsewhere in this round, with the time from the round's start to their last start. */
    private final Map<FailoverCounters.MoveKey, Duration> roundMoves = new java.util.LinkedHashMap<>();
    /** The epoch of the coordinator term whose node reports the state table holds; null before the first. */
    private volatile FencingEpoch termEpoch;

    public FailoverController(FailoverConfigStore store, ClusterView cluster, StateTable table, History history,
                              ActionTransport transport, Fencer fencer, Clock clock) {
        this.store = store;
        this.cluster = cluster;
        this.table = table;
        this.history = history;
        this.transport = transport;
        this.fencer = fencer;
        this.clock = clock;
    }

    public StateTable table() {
        return table;
    }

    public History history() {
        return history;
    }

    /** Executor reports from any node go here (the local executor's listener, remote ones via the cluster). */
    public void onReport(Report r) {
        Node n = cluster.nodes().get(r.node());
        boolean leftAlone = n != null && n.mode() == org.duplex.api.model.NodeMode.MAINTENANCE
                || r.group().filter(g -> !store.load().policyOf(g).managed()).isPresent();
        if (r.failure() && leftAlone) {
            // maintenance / unmanaged: failures seen meanwhile must not count against the node afterwards
            history.add(new History.Entry(r.at(), r.node(), r.group(), Optional.of(r.resource()),
                    History.Kind.FAILURE, "not counted (maintenance or unmanaged): " + r.result().reason()));
            r = new Report(r.node(), r.resource(), r.group(), r.operation(), r.result(), r.state(), false, r.at(),
                    r.replica());
        }
        table.apply(r);
    }

    public ClusterSnapshot snapshot() {
        QuorumState term = cluster.quorum();
        if (term.isCoordinator() && !term.epoch().equals(termEpoch)) {
            // Seen in the two-node lab: node1 thawed after a freeze, merged back as coordinator and started web
            // on itself from its stale table while node2 ran it. Like Pacemaker's DC on election: re-probe all.
            termEpoch = term.epoch();
            table.newTerm(term.localNode(), term.members());
        }
        Map<NodeId, Node> nodes = cluster.nodes();
        for (Map.Entry<NodeId, Node> e : nodes.entrySet()) {
            if (e.getValue().liveness() == Liveness.DEAD) {
                table.forgetNode(e.getKey());
            }
        }
        FailoverConfig config = store.load();
        table.retainReplicas(promotableNodes(config));
        Map<NodeId, Map<ResourceId, ResourceState>> states = table.states();
        // a node never heard from since this table exists (our own after a restart, a peer when we become
        // coordinator) may run anything: its resources are unknown, so they are probed before any decision.
        // A member counts even while its heartbeat is still UNKNOWN (just after this node started): seen in the
        // lab, a restarted node1 became coordinator and started web beside node2's copy before hearing node2.
        for (Map.Entry<NodeId, Node> e : nodes.entrySet()) {
            boolean present = e.getValue().liveness() == Liveness.ALIVE
                    || term.members().contains(e.getKey()) && e.getValue().liveness() != Liveness.DEAD;
            if (present && !table.hasReported(e.getKey())) {
                Map<ResourceId, ResourceState> m = new LinkedHashMap<>(states.getOrDefault(e.getKey(), Map.of()));
                for (ResourceGroup g : config.groups()) {
                    if (g.nodes().contains(e.getKey())) {
                        g.resources().forEach(r -> m.putIfAbsent(r, ResourceState.UNKNOWN));
                    }
                }
                states.put(e.getKey(), m);
            }
        }
        return new ClusterSnapshot(config, nodes, cluster.notes(), states, table.failures(), clock.instant(),
                cluster.quorum(), new FencingView(fencer.coverage(), fenceFailures), unhealthy(config),
                table.replicas());
    }

    /** Per promotable resource of {@code config}, the nodes of its group: where its replica reports mean something. */
    static Map<ResourceId, java.util.Set<NodeId>> promotableNodes(FailoverConfig config) {
        Map<ResourceId, java.util.Set<NodeId>> out = new java.util.HashMap<>();
        for (ResourceGroup g : config.groups()) {
            for (ResourceId r : g.resources()) {
                Resource res = config.resources().get(r);
                if (res != null && FailoverConfig.isPromotable(res)) {
                    out.computeIfAbsent(r, k -> new java.util.HashSet<>()).addAll(g.nodes());
                }
            }
        }
        return out;
    }

    /**
     * Per group, the nodes where a node-health binding ({@code on=node}) of that group has FAILED, with the
     * monitor's reason. A missing type, an unknown verdict or fewer than {@code count} failures ban nothing. An
     * {@code on-fail=reboot} binding that FAILED on a node bans it from <em>every</em> group that lists it: the node
     * is going to reboot, so everything must move off it first (it reboots itself once nothing runs there).
     */
    Map<ResourceId, Map<NodeId, String>> unhealthy(FailoverConfig config) {
        Map<ResourceId, Map<NodeId, String>> out = new LinkedHashMap<>();
        Map<NodeId, Map<ResourceId, Report>> health = table.health();
        for (MonitorBinding b : config.monitors().values()) {
            if (b.on() != MonitorBinding.Scope.NODE) {
                continue;
            }
            health.forEach((node, results) -> {
                Report r = results.get(b.id());
                if (r != null && r.state() == ResourceState.FAILED) {
                    List<ResourceId> groups = !b.reboots() ? List.of(b.target()) : config.groups().stream()
                            .filter(g -> g.nodes().contains(node)).map(ResourceGroup::id).toList();
                    for (ResourceId g : groups) {
                        out.computeIfAbsent(g, k -> new LinkedHashMap<>()).merge(node, r.result().reason(),
                                (x, y) -> x + "; " + y);
                    }
                }
            });
        }
        return out;
    }

    /** Nodes that may run resources (listed by a group, not witnesses) and that no fencing device covers. */
    public Set<NodeId> nodesWithoutFencing() {
        Set<NodeId> out = new java.util.TreeSet<>();
        Set<NodeId> covered = fencer.coverage();
        Map<NodeId, Node> nodes = cluster.nodes();
        for (ResourceGroup g : store.load().groups()) {
            for (NodeId n : g.nodes()) {
                Node node = nodes.get(n);
                if (!covered.contains(n) && (node == null || node.role() == org.duplex.api.model.NodeRole.MEMBER)) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Failed fences waiting for their retry, by node. */
    public Map<NodeId, FencingView.FenceFailure> fenceFailures() {
        return Map.copyOf(fenceFailures);
    }

    /**
     * The operator fenced a node by hand ({@code ha:fence}): recorded in the history with the epoch; a confirmed
     * {@code off} means nothing runs there any more, exactly as after the engine's own fence.
     */
    public void fencedByOperator(NodeId node, String action, boolean poweredOff, String detail) {
        fencedOutsideTheEngine(node, "ha:fence --action " + action + " " + node + " by the operator", poweredOff,
                detail);
    }

    /**
     * Fences {@code node} for the cluster's disk lease (its holder stopped renewing and left the view: once it is
     * off the lease can be taken at once). Recorded like the engine's own fence; a confirmed fence marks the node's
     * resources stopped, so the engine does not fence it again before recovering its groups.
     */
    public Fencer.Outcome fenceForLease(NodeId node, String reason) throws InterruptedException {
        QuorumState q = cluster.quorum();
        LOG.warn("fencing {} [{}]: {}", node, q.epoch(), reason);
        history.add(new History.Entry(clock.instant(), node, Optional.empty(), Optional.empty(), History.Kind.FENCE,
                "fencing " + node + " [" + q.epoch() + "]: " + reason));
        Fencer.Outcome outcome;
        try {
            outcome = fencer.fence(node, q.epoch(), reason);
        } catch (RuntimeException e) {
            outcome = new Fencer.Outcome(false, "fencing " + node + " threw " + e);
        }
        recordAttempts(node, Optional.empty(), q.epoch(), outcome);
        fencedOutsideTheEngine(node, outcome.fenced() ? "fenced " + node + " for the disk lease"
                : "fencing " + node + " for the disk lease FAILED", outcome.fenced(), outcome.detail());
        return outcome;
    }

    /** One history entry per device tried (fencing levels), before the entry with the fence's outcome. */
    private void recordAttempts(NodeId node, Optional<ResourceId> group, FencingEpoch epoch, Fencer.Outcome outcome) {
        List<String> attempts = outcome.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            history.add(new History.Entry(clock.instant(), node, group, Optional.empty(), History.Kind.FENCE,
                    "fence attempt " + (i + 1) + " of " + node + " [" + epoch + "]: " + attempts.get(i)));
        }
    }

    private void fencedOutsideTheEngine(NodeId node, String what, boolean poweredOff, String detail) {
        QuorumState q = cluster.quorum();
        history.add(new History.Entry(clock.instant(), node, Optional.empty(), Optional.empty(), History.Kind.FENCE,
                what + " [" + q.epoch() + "]: " + detail + (poweredOff ? "; its resources count as stopped" : "")));
        if (poweredOff) {
            table.fenced(node);
            fenceFailures.remove(node);
        }
    }

    public Plan plan() {
        return engine.plan(snapshot());
    }

    /** What the engine would do now, or if {@code failed} died now; nothing is carried out. */
    public Plan simulate(Optional<NodeId> failed) {
        return simulation(failed).plan();
    }

    /**
     * The plan and where the groups would run if every step succeeded.
     *
     * @param placement  "web=node2 db=-", as ha:simulate prints it
     * @param now        group to the nodes where any of its members runs now (before the simulated failures)
     * @param after      the same after the plan (PlanSimulator)
     * @param violations safety rules the plan would break when applied (PlanSimulator)
     * @param config     the configuration planned with (the running one, or the candidate)
     */
    public record Simulation(Plan plan, String placement, Map<ResourceId, List<NodeId>> now,
                             Map<ResourceId, List<NodeId>> after, List<String> violations, FailoverConfig config) {
    }

    public Simulation simulation(Optional<NodeId> failed) {
        return simulation(failed.map(Set::of).orElse(Set.of()), Optional.empty());
    }

    /**
     * What the engine would do now if every node of {@code failed} died now, planning with {@code candidate}
     * instead of the running configuration when given. Pure: the running configuration, the state table and the
     * history are not touched, nothing is carried out.
     *
     * @throws IllegalArgumentException a node of {@code failed} is not a node of the cluster
     */
    public Simulation simulation(Set<NodeId> failed, Optional<FailoverConfig> candidate) {
        ClusterSnapshot s = snapshot();
        if (candidate.isPresent()) {
            FailoverConfig c = candidate.get();
            s = new ClusterSnapshot(c, s.nodes(), s.nodeNotes(), s.states(), s.failures(), s.now(), s.quorum(),
                    s.fencing(), unhealthy(c), s.replicas());
        }
        ClusterSnapshot before = s;
        if (!failed.isEmpty()) {
            Map<NodeId, Node> nodes = new LinkedHashMap<>(s.nodes());
            Map<NodeId, String> notes = new LinkedHashMap<>(s.nodeNotes());
            for (NodeId f : new java.util.TreeSet<>(failed)) {
                Node n = s.nodes().get(f);
                if (n == null) {
                    throw new IllegalArgumentException("unknown node " + f + "; known: " + s.nodes().keySet());
                }
                nodes.put(n.id(), n.withLiveness(Liveness.DEAD));
                notes.put(n.id(), "simulated failure");
            }
            s = s.withNodes(nodes, notes);
        }
        Plan plan = engine.plan(s);
        org.duplex.failover.policy.PlanSimulator sim = new org.duplex.failover.policy.PlanSimulator();
        org.duplex.failover.policy.PlanSimulator.Outcome outcome = sim.apply(s, plan);
        Map<ResourceId, List<NodeId>> now = new org.duplex.failover.policy.PlanSimulator.Outcome(before, List.of())
                .placement();
        return new Simulation(plan, org.duplex.failover.policy.PlanSimulator.placementLine(outcome), now,
                outcome.placement(), outcome.violations(), s.config());
    }

    /** One decision round: plan, then carry out what this node may carry out. */
    /** The counters behind the failover's metrics. */
    public FailoverCounters counters() {
        return counters;
    }

    /**
     * One decision round. Groups the engine starts on another node in it (move, recover, failback) are counted as
     * failovers, with the time from the round's start to the group's last confirmed start.
     */
    public synchronized RunResult runOnce() {
        roundStart = System.nanoTime();
        try {
            return runRound();
        } finally {
            roundMoves.forEach((key, took) -> counters.failover(key.group(), key.intent(), took));
            roundMoves.clear();
            roundStart = -1;
        }
    }

    private RunResult runRound() {
        ClusterSnapshot s = snapshot();
        QuorumState q = s.quorum();
        Plan plan = engine.plan(s);
        for (String note : plan.notes()) {
            if (loggedNotes.add(note)) {
                history.add(new History.Entry(clock.instant(), q.localNode(), Optional.empty(), Optional.empty(),
                        History.Kind.DECISION, note));
            }
        }
        if (loggedNotes.size() > 1000) {
            loggedNotes.clear();
        }
        boolean coordinator = q.isCoordinator();
        if (q.quorate() && !coordinator) {
            return new RunResult(plan, 0, Optional.of("not the coordinator: " + q.coordinator()
                    .map(Object::toString).orElse("?") + " decides"));
        }
        int done = 0;
        List<Action> actions = plan.actions();
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            if (a.op() == Action.Op.PROBE) {
                // probes change nothing, so a run of them goes out at once: after a new term at 8 nodes one by one
                // they took 60-100 ms each and were most of the decision time
                List<Action> probes = new ArrayList<>();
                int j = i;
                for (; j < actions.size() && actions.get(j).op() == Action.Op.PROBE; j++) {
                    if (coordinator || actions.get(j).node().equals(q.localNode())) {
                        probes.add(actions.get(j));
                    }
                }
                i = j - 1;
                Probed probed = probeAll(s.config(), probes);
                done += probed.told();
                if (probed.failed().isPresent()) {
                    return new RunResult(plan, done, probed.failed());
                }
                continue;
            }
            if (!coordinator && a.op() == Action.Op.FENCE) {
                // fencing is the coordinator's (no-quorum-policy=ignore plans without one): nothing after it runs
                return new RunResult(plan, done, Optional.of("fencing " + a.node() + " needs the coordinator of a "
                        + "quorate partition, and this node is not one (" + q.reason() + ")"));
            }
            if (!coordinator && !a.node().equals(q.localNode())) {
                continue; // without quorum a node only stops its own groups
            }
            Optional<String> failed = execute(s.config(), a);
            if (failed.isPresent()) {
                return new RunResult(plan, done, failed);
            }
            if (a.op() != Action.Op.BLOCK) {
                done++; // a block changes nothing: counting it would make the caller decide again at once, forever
            }
        }
        return new RunResult(plan, done, Optional.empty());
    }

    private Optional<String> execute(FailoverConfig config, Action a) {
        History.Entry decided = new History.Entry(clock.instant(), a.node(), a.group(), a.resource(),
                History.Kind.DECISION, a.summary() + " [" + a.epoch() + "]: " + a.reason());
        switch (a.op()) {
            case BLOCK:
                if (loggedNotes.add(a.reason())) {
                    history.add(decided);
                    LOG.error("{}", a.reason());
                }
                return Optional.empty();
            case FENCE:
                history.add(decided);
                LOG.warn("fencing {} [{}]: {}", a.node(), a.epoch(), a.reason());
                Fencer.Outcome outcome;
                try {
                    outcome = fencer.fence(a.node(), a.epoch(), a.reason());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcome = new Fencer.Outcome(false, "interrupted while fencing " + a.node());
                } catch (RuntimeException e) {
                    outcome = new Fencer.Outcome(false, "fencing " + a.node() + " threw " + e);
                }
                Instant at = clock.instant();
                counters.action("fence", "fence", outcome.fenced());
                recordAttempts(a.node(), a.group(), a.epoch(), outcome);
                if (outcome.fenced()) {
                    table.fenced(a.node());
                    fenceFailures.remove(a.node());
                    history.add(new History.Entry(at, a.node(), a.group(), Optional.empty(), History.Kind.FENCE,
                            "fenced " + a.node() + " [" + a.epoch() + "]: " + outcome.detail()
                            + "; its resources count as stopped"));
                    return Optional.empty();
                }
                Instant retry = at.plus(fencer.retryInterval(a.node()));
                fenceFailures.put(a.node(), new FencingView.FenceFailure(at, retry, outcome.detail()));
                history.add(new History.Entry(at, a.node(), a.group(), Optional.empty(), History.Kind.FENCE,
                        "fencing " + a.node() + " FAILED [" + a.epoch() + "]: " + outcome.detail()
                        + "; its groups stay blocked, next attempt in " + fencer.retryInterval(a.node()).toMillis()
                        + " ms"));
                LOG.error("fencing {} FAILED [{}]: {}; the groups that need it stay blocked, next attempt in {} ms",
                        a.node(), a.epoch(), outcome.detail(), fencer.retryInterval(a.node()).toMillis());
                return Optional.of("fencing " + a.node() + " failed: " + outcome.detail());
            default:
                recordDecision(decided, a);
                Resource r = config.resources().get(a.resource().orElseThrow());
                Operation.Kind kind = switch (a.op()) {
                    case START -> Operation.Kind.START;
                    case STOP -> Operation.Kind.STOP;
                    case PROMOTE -> Operation.Kind.PROMOTE;
                    case FOLLOW -> Operation.Kind.FOLLOW;
                    default -> Operation.Kind.PROBE;
                };
                Report rep = dispatch(a.node(), new Operation(kind, r, a.group(), a.epoch(), a.reason(), a.peer()), r)
                        .await();
                table.apply(rep);
                boolean ok = switch (kind) {
                    case START, PROMOTE -> rep.state() == ResourceState.RUNNING;
                    case FOLLOW -> rep.state() == ResourceState.STANDBY;
                    case STOP -> rep.state() == ResourceState.STOPPED;
                    // a probe that could not tell (no agent, timeout) leaves the group waiting: retried next tick
                    default -> rep.state() != ResourceState.UNKNOWN;
                };
                String intent = a.intent().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                counters.action(a.op().name().toLowerCase(java.util.Locale.ROOT), intent, ok);
                if (ok && kind == Operation.Kind.START && roundStart >= 0 && a.group().isPresent()
                        && FailoverCounters.FAILOVER_INTENTS.contains(intent)) {
                    roundMoves.put(new FailoverCounters.MoveKey(a.group().get().toString(), intent),
                            Duration.ofNanos(System.nanoTime() - roundStart));
                }
                return ok ? Optional.empty() : Optional.of(a.summary() + " failed: " + rep.result().reason());
        }
    }

    /** How many probes told the state, and the first that could not (the round's failure). */
    private record Probed(int told, Optional<String> failed) {
    }

    /**
     * Sends every probe first, then waits for each report (all within their own limits, counted from the send).
     * Every report is applied; the first probe that could not tell the state is the round's failure. Only the
     * probes that told the state count as done: a probe that cannot tell must not make the loop decide again at
     * once (a resource without agent would spin it).
     */
    private Probed probeAll(FailoverConfig config, List<Action> probes) {
        List<Pending> sent = new ArrayList<>();
        for (Action a : probes) {
            recordDecision(new History.Entry(clock.instant(), a.node(), a.group(), a.resource(),
                    History.Kind.DECISION, a.summary() + " [" + a.epoch() + "]: " + a.reason()), a);
            Resource r = config.resources().get(a.resource().orElseThrow());
            sent.add(dispatch(a.node(), new Operation(Operation.Kind.PROBE, r, a.group(), a.epoch(), a.reason()), r));
        }
        Optional<String> failed = Optional.empty();
        int told = 0;
        for (int i = 0; i < sent.size(); i++) {
            Report rep = sent.get(i).await();
            table.apply(rep);
            if (rep.state() != ResourceState.UNKNOWN) {
                told++;
            } else if (failed.isEmpty()) {
                failed = Optional.of(probes.get(i).summary() + " failed: " + rep.result().reason());
            }
        }
        return new Probed(told, failed);
    }

    private void recordDecision(History.Entry decided, Action a) {
        history.add(decided);
        LOG.info("{} [{}]: {}", a.summary(), a.epoch(), a.reason());
    }

    private static Duration limit(Operation op, Resource r) {
        Duration limit = switch (op.kind()) {
            case START -> r.timeouts().start();
            // a stop may be escalated: stop timeout, kill (stop timeout again), then a probe
            case STOP -> r.timeouts().stop().multipliedBy(2).plus(r.timeouts().monitor());
            default -> r.timeouts().monitor();
        };
        return limit.plus(MARGIN);
    }

    /** An operation sent to a node, whose report is awaited until the operation's limit counted from the send. */
    private final class Pending {
        private final NodeId node;
        private final Operation op;
        private final CompletableFuture<Report> report;
        private final Duration limit;
        private final long deadline;

        Pending(NodeId node, Operation op, CompletableFuture<Report> report, Duration limit) {
            this.node = node;
            this.op = op;
            this.report = report;
            this.limit = limit;
            this.deadline = System.nanoTime() + limit.toNanos();
        }

        Report await() {
            try {
                return report.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unreachable(node, op, "interrupted");
            } catch (ExecutionException | TimeoutException e) {
                return unreachable(node, op, e instanceof TimeoutException ? "no report within " + limit.toMillis()
                        + " ms" : String.valueOf(e.getCause()));
            }
        }
    }

    private Pending dispatch(NodeId node, Operation op, Resource r) {
        CompletableFuture<Report> f;
        try {
            f = transport.send(node, op);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return new Pending(node, op, f, limit(op, r));
    }

    /** No report: the outcome is unknown, so the state is too (a stop is then as good as unconfirmed). */
    private Report unreachable(NodeId node, Operation op, String why) {
        ResourceState st = op.kind() == Operation.Kind.STOP ? ResourceState.BLOCKED : ResourceState.UNKNOWN;
        return new Report(node, op.resource().id(), op.group(), op.kind().name().toLowerCase(),
                org.duplex.api.agent.OperationResult.of(org.duplex.api.agent.OcfStatus.ERR_GENERIC,
                        "no report from " + node + ": " + why, Duration.ZERO), st, false, clock.instant());
    }

    // ---- operator actions ---------------------------------------------------------------------------------

    /**
     * @param placement what the switchover left in the configuration so the engine keeps the group there: a
     *                  sentence naming the placement (or the new node order with --reorder) and how to undo it
     */
    public record SwitchoverResult(NodeId from, NodeId to, Duration outage, List<String> steps, boolean reordered,
                                   String placement) {
    }

    /** The default switchover: placed by an operator preference, the node list untouched. */
    public SwitchoverResult switchover(ResourceId groupId, Optional<NodeId> requested) throws IOException {
        return switchover(groupId, requested, false, "operator");
    }

    /**
     * Planned move. By default the group gets an operator placement on the target (a replicated preference, see
     * {@link Placement}): the engine treats the target as first in the group's list until
     * {@link #clearPlacement} removes it, and the configured node order is left alone. A move to the node first in
     * the configured order needs no placement and removes any the group had. With {@code reorder} the
     * target is moved to the front of the configured node list instead (the behaviour before placements) and any
     * placement of the group is removed. Then the group is stopped in reverse order on its node and started in
     * order on the target; a promotable member must run as a standby on the target and is promoted there instead
     * of started (the old primary, stopped, follows it in the engine's next round). The outage is measured from
     * the first stop to the last confirmed start.
     */
    public synchronized SwitchoverResult switchover(ResourceId groupId, Optional<NodeId> requested, boolean reorder,
                                                    String by) throws IOException {
        ClusterSnapshot s = snapshot();
        QuorumState q = s.quorum();
        if (!q.isCoordinator()) {
            throw new IllegalStateException(q.quorate() ? "this node is not the coordinator (" + q.coordinator()
                    .map(Object::toString).orElse("?") + " is): run ha:switchover there"
                    : "no quorum (" + q.reason() + "): nothing may move");
        }
        FailoverConfig config = s.config();
        ResourceGroup g = config.group(groupId).orElseThrow(() -> new IllegalArgumentException("no group "
                + groupId + "; groups: " + config.groups().stream().map(x -> x.id().toString()).toList()));
        // a promotable member runs as a standby on the group's other nodes: that is clean, and on the target it is
        // promoted instead of started (a start there would be refused: the copy runs, as a standby)
        Optional<ResourceId> promotable = g.resources().stream()
                .filter(r -> config.resources().containsKey(r) && FailoverConfig.isPromotable(config.resources().get(r)))
                .findFirst();
        List<NodeId> running = new ArrayList<>();
        for (NodeId n : s.states().keySet()) {
            if (g.resources().stream().allMatch(r -> s.state(n, r) == ResourceState.RUNNING)) {
                running.add(n);
            } else if (g.resources().stream().anyMatch(r -> s.state(n, r) != ResourceState.STOPPED
                    && !(promotable.equals(Optional.of(r)) && s.state(n, r) == ResourceState.STANDBY))) {
                throw new IllegalStateException(groupId + " is not cleanly running on " + n + " ("
                        + s.states().get(n) + "): let the engine settle it first (ha:simulate shows its plan)");
            }
        }
        if (running.size() != 1) {
            throw new IllegalStateException(groupId + " runs on " + (running.isEmpty() ? "no node" : running)
                    + ": a switchover needs it running on exactly one node");
        }
        NodeId from = running.get(0);
        NodeId to = requested.orElseGet(() -> g.nodes().stream().filter(n -> !n.equals(from))
                .filter(n -> s.nodes().containsKey(n) && s.nodes().get(n).canRunResources()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no other eligible node for " + groupId + " in "
                        + g.nodes())));
        if (to.equals(from)) {
            throw new IllegalArgumentException(groupId + " already runs on " + to);
        }
        if (!g.nodes().contains(to)) {
            throw new IllegalArgumentException(to + " is not in the node list of " + groupId + " " + g.nodes());
        }
        Node target = s.nodes().get(to);
        if (target == null || !target.canRunResources()) {
            throw new IllegalStateException(to + " cannot run resources now ("
                    + (target == null ? "unknown node" : target.liveness() + ", " + target.mode()) + ")");
        }
        if (promotable.isPresent() && s.state(to, promotable.get()) != ResourceState.STANDBY) {
            throw new IllegalStateException(promotable.get() + " is " + s.state(to, promotable.get()).name()
                    .toLowerCase() + " on " + to + ", not a standby: a switchover of " + groupId + " promotes the "
                    + "standby of " + promotable.get() + " there (let the engine start one first; ha:status shows it)");
        }
        // the failover's promotion rules hold for a planned move too: a standby too far behind loses data
        Optional<String> notPromotable = org.duplex.failover.policy.Promotion.refusal(s, config, g, to);
        if (notPromotable.isPresent()) {
            throw new IllegalStateException("switchover of " + groupId + " to " + to + " refused: "
                    + notPromotable.get());
        }
        // A switchover onto a node the engine has banned would be undone by the engine's next round: refuse it.
        int threshold = org.duplex.failover.policy.PolicyEngine.migrationThreshold(config.policyOf(g.id()));
        for (ResourceId r : g.resources()) {
            int count = org.duplex.failover.policy.PolicyEngine.failCounts(s, r).getOrDefault(to, 0);
            if (threshold > 0 && count >= threshold) {
                throw new IllegalStateException(to + " is banned for " + groupId + ": " + r + " failed there "
                        + count + " time(s) (threshold " + threshold + "); run ha:cleanup " + r + " first");
            }
        }
        FailoverConfig updated;
        String placement;
        if (reorder) {
            List<NodeId> order = new ArrayList<>(g.nodes());
            order.remove(to);
            order.add(0, to);
            updated = config.withGroup(new ResourceGroup(g.id(), g.resources(), order), config.policyOf(g.id()))
                    .withoutPlacement(g.id());
            placement = "node list reordered (--reorder): was " + g.nodes() + ", now " + order
                    + "; undo with ha:group-add -f " + org.duplex.failover.config.ConfigText.group(g,
                    config.policyOf(g.id())).substring("group ".length());
        } else if (g.nodes().get(0).equals(to)) {
            // the configured priority already puts the target first: a placement would add nothing, and an
            // earlier one (on another node) would pull the group away again
            updated = config.withoutPlacement(g.id());
            placement = to + " is first in the node priority " + g.nodes() + ": no placement needed"
                    + config.placementOf(g.id()).map(p -> "; the placement on " + p.describe() + " was removed")
                    .orElse("");
        } else {
            Placement p = new Placement(to, by, clock.instant());
            updated = config.withPlacement(g.id(), p);
            placement = "placed on " + p.describe() + "; node priority unchanged " + g.nodes()
                    + "; ha:switchover --clear " + g.id() + " removes the placement";
        }
        store.save(config, updated);

        List<String> steps = new ArrayList<>();
        String reason = "switchover of " + groupId + " from " + from + " to " + to + " by the operator";
        long t0 = System.nanoTime();
        try {
            for (ResourceId r : g.stopOrder()) {
                runStep(updated, new Action(Action.Op.STOP, Action.Intent.MOVE, Optional.of(g.id()), Optional.of(r),
                        from, q.epoch(), reason), steps);
            }
            // the primary's clean stop above hands its last WAL (or log) to the standbys; the target's is promoted
            for (ResourceId r : g.resources()) {
                Action.Op op = promotable.equals(Optional.of(r)) ? Action.Op.PROMOTE : Action.Op.START;
                runStep(updated, new Action(op, Action.Intent.MOVE, Optional.of(g.id()), Optional.of(r),
                        to, q.epoch(), reason), steps);
            }
        } catch (RuntimeException e) {
            counters.switchoverFailed(g.id().toString());
            throw e;
        }
        Duration outage = Duration.ofNanos(System.nanoTime() - t0);
        counters.switchover(g.id().toString(), outage);
        history.add(new History.Entry(clock.instant(), to, Optional.of(g.id()), Optional.empty(),
                History.Kind.DECISION, reason + ": done, outage " + outage.toMillis() + " ms"));
        return new SwitchoverResult(from, to, outage, steps, reorder, placement);
    }

    /**
     * Removes the operator placement of a group ({@code ha:switchover --clear}). Nothing is moved here: the
     * engine's next round places the group by its configured priority, stickiness and failback policy (with
     * failback=automatic and no stickiness that is a move back to the first eligible node of its list).
     *
     * @return the placement removed, empty when the group had none
     */
    public synchronized Optional<Placement> clearPlacement(ResourceId groupId, String by) throws IOException {
        QuorumState q = cluster.quorum();
        if (!q.isCoordinator()) {
            throw new IllegalStateException(q.quorate() ? "this node is not the coordinator (" + q.coordinator()
                    .map(Object::toString).orElse("?") + " is): run ha:switchover --clear there"
                    : "no quorum (" + q.reason() + "): the configuration cannot change");
        }
        FailoverConfig config = store.load();
        config.group(groupId).orElseThrow(() -> new IllegalArgumentException("no group " + groupId + "; groups: "
                + config.groups().stream().map(x -> x.id().toString()).toList()));
        Optional<Placement> p = config.placementOf(groupId);
        if (p.isPresent()) {
            store.save(config, config.withoutPlacement(groupId));
            history.add(new History.Entry(clock.instant(), q.localNode(), Optional.of(groupId), Optional.empty(),
                    History.Kind.DECISION, "placement of " + groupId + " on " + p.get().describe() + " cleared by "
                    + (by == null || by.isBlank() ? "operator" : by)));
        }
        return p;
    }

    private void runStep(FailoverConfig config, Action a, List<String> steps) {
        long t = System.nanoTime();
        Optional<String> failed = execute(config, a);
        steps.add(a.summary() + ": " + failed.orElse("ok") + " (" + (System.nanoTime() - t) / 1_000_000 + " ms)");
        if (failed.isPresent()) {
            throw new IllegalStateException("switchover stopped: " + failed.get() + "; the engine decides next "
                    + "(ha:simulate shows what it will do)");
        }
    }

    /** Forgets the failures of a resource everywhere and has its failed/blocked copies probed again. */
    public int cleanup(ResourceId resource) {
        int n = table.cleanup(resource);
        QuorumState q = cluster.quorum();
        history.add(new History.Entry(clock.instant(), q.localNode(), store.load().groupOf(resource)
                .map(ResourceGroup::id), Optional.of(resource), History.Kind.CLEANUP, "cleanup by the operator: "
                + n + " failure(s) forgotten"));
        return n;
    }

    public Instant now() {
        return clock.instant();
    }
}
