package org.duplex.failover.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.PromotableAgent;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.DurationWords;
import org.duplex.api.failover.VolumeLock;
import org.duplex.api.failover.VolumeLockException;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.failover.history.History;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.MonitorBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-node executor (Pacemaker's lrmd): runs agent operations on worker threads, each with its explicit
 * timeout enforced by the {@link Scheduler}; one operation at a time per resource; recurring monitors at each
 * resource's interval; refuses orders from an older fencing epoch than the newest it has seen; escalates a stop
 * that fails or times out (kill, then probe; unconfirmed means BLOCKED) so that it never hangs.
 *
 * <p>Resources with the parameter {@value #VOLUME_PARAM} take that volume from the {@link VolumeLock} with the
 * order's epoch before they start, and give it back after a confirmed stop.
 *
 * <p>Bound monitors ({@link MonitorBinding}, see {@link #bindMonitors}) run here on their own schedule, each check
 * on a worker cut off at the binding's timeout: an {@code on=resource} binding while its resource is monitored on
 * this node (after {@code count} failed checks in a row it reports the resource FAILED, with the monitor's reason,
 * exactly as a failed agent monitor does); an {@code on=node} binding on every node its group lists (its result
 * goes out as a {@value #HEALTH} report at every check, so the coordinator knows which nodes fail it).
 */
public final class Executor implements AutoCloseable {

    public static final String VOLUME_PARAM = "volume";

    /**
     * The operation of a report carrying a bound monitor's result: its resource is the binding's name, its state
     * FAILED once {@code count} checks failed in a row (STOPPED: the binding no longer runs on that node), its
     * reason {@link MonitorStatus#describe()}.
     */
    public static final String HEALTH = "health";

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);

    private final NodeId local;
    private final AgentRegistry agents;
    private final Scheduler scheduler;
    private final ExecutorService workers;
    private final ExecutionListener listener;
    private final History history;
    private final Optional<VolumeLock> volumeLock;
    private final Consumer<String> stopUnconfirmed;

    private final Object epochLock = new Object();
    private FencingEpoch newestEpoch = FencingEpoch.NONE;
    /** Per resource: the tail of its operation chain, so operations on one resource never overlap. */
    private final Map<ResourceId, CompletableFuture<?>> chains = new ConcurrentHashMap<>();
    private final Map<ResourceId, Monitor> monitors = new ConcurrentHashMap<>();
    /** Operations queued or running per resource; recurring monitors skip their turn while it is not zero. */
    private final Map<ResourceId, java.util.concurrent.atomic.AtomicInteger> inflight = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Bound monitors running here, by binding name. */
    private final Map<ResourceId, Check> checks = new ConcurrentHashMap<>();
    private volatile java.util.function.Supplier<FailoverConfig> config = () -> FailoverConfig.EMPTY;
    private volatile MonitorTypes monitorTypes = MonitorTypes.NONE;
    private volatile NodeHealthHook nodeHealth = NodeHealthHook.NONE;
    /**
     * The last state this executor reported for each resource, with the definition it acted on and how it learnt it
     * (a start, a confirmed stop, a probe, a monitor change). Everything but STOPPED is what may still run here
     * ({@link #stillHere}); RUNNING and STOPPED are the record a coordinator's probe may be answered from
     * ({@link #vouch}), so a failed, blocked or unknown resource is always probed for real.
     */
    private final Map<ResourceId, Last> last = new ConcurrentHashMap<>();

    private record Last(Resource resource, ResourceState state, String how, Instant at) {
    }

    /**
     * @param stopUnconfirmed called with a sentence when a stop could not be confirmed even after the kill (the
     *                        wiring forwards it to fencing; the report says BLOCKED either way)
     */
    public Executor(NodeId local, AgentRegistry agents, Scheduler scheduler, ExecutorService workers,
                    ExecutionListener listener, History history, Optional<VolumeLock> volumeLock,
                    Consumer<String> stopUnconfirmed) {
        this.local = local;
        this.agents = agents;
        this.scheduler = scheduler;
        this.workers = workers;
        this.listener = listener;
        this.history = history;
        this.volumeLock = volumeLock;
        this.stopUnconfirmed = stopUnconfirmed;
    }

    /** Guarded by epochLock: why this node is ending itself (only stops run), or null. */
    private String sealedFor;

    public FencingEpoch newestEpoch() {
        synchronized (epochLock) {
            return newestEpoch;
        }
    }

    /** Raises the newest epoch seen (from the cluster service) without an order. */
    public void observeEpoch(FencingEpoch epoch) {
        synchronized (epochLock) {
            if (newestEpoch.isOlderThan(epoch)) {
                newestEpoch = epoch;
            }
        }
    }

    /**
     * This node is ending itself (a poison pill): from now on only stops run; every other operation is refused, so
     * nothing is started again in the moment between the stops and the end of the process.
     */
    public void seal(String why) {
        synchronized (epochLock) {
            sealedFor = why;
        }
    }

    /** Queues an operation behind any other operation on the same resource; the future completes with its report. */
    public CompletableFuture<Report> submit(Operation op) {
        return submit(op, false);
    }

    /**
     * A coordinator's probe (a new term, a node back in its view): when its turn comes in the resource's chain, it
     * is answered from this executor's own record if there is one it can vouch for, without running the agent, as
     * Pacemaker's DC reads each node's operation history instead of probing again. Vouched for: RUNNING while this
     * executor monitors the same definition and its last check passed within two intervals plus the monitor
     * timeout; STOPPED after this executor's own confirmed stop or probe of the same definition, not monitored
     * since. Anything else (never acted on here, failed, blocked, a changed definition, an overdue monitor) runs the
     * agent's probe as {@link #submit} does. A new coordinator of a large cluster otherwise ran two probes per
     * resource on every member before its first decision (3.6 s of a 10.1 s failover at 32 nodes).
     */
    public CompletableFuture<Report> probe(Operation op) {
        return submit(op, op.kind() == Operation.Kind.PROBE);
    }

    private CompletableFuture<Report> submit(Operation op, boolean fromRecord) {
        ResourceId id = op.resource().id();
        synchronized (epochLock) {
            if (sealedFor != null && op.kind() != Operation.Kind.STOP) {
                String why = "refused " + op.kind().name().toLowerCase() + " of " + id + ": this node is ending"
                        + " itself (" + sealedFor + ")";
                LOG.warn(why);
                history.add(entry(op, History.Kind.REFUSED, why));
                return CompletableFuture.completedFuture(report(op, "refused",
                        OperationResult.of(OcfStatus.ERR_PERM, why, Duration.ZERO), ResourceState.UNKNOWN, false));
            }
            if (op.epoch().isOlderThan(newestEpoch)) {
                String why = "refused " + op.kind().name().toLowerCase() + " of " + id + ": ordered under "
                        + op.epoch() + " but " + newestEpoch + " is newer (stale coordinator)";
                LOG.warn(why);
                history.add(entry(op, History.Kind.REFUSED, why));
                Report r = report(op, "refused", OperationResult.of(OcfStatus.ERR_PERM, why, Duration.ZERO),
                        ResourceState.UNKNOWN, false);
                return CompletableFuture.completedFuture(r);
            }
            newestEpoch = op.epoch();
        }
        CompletableFuture<Report> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger busy = inflight.computeIfAbsent(id,
                k -> new java.util.concurrent.atomic.AtomicInteger());
        busy.incrementAndGet();
        chains.compute(id, (k, tail) -> {
            CompletableFuture<?> start = tail == null ? CompletableFuture.completedFuture(null) : tail;
            return start.handle((x, e) -> null).thenCompose(x -> (fromRecord ? fromRecord(op) : run(op)).handle((r, e) -> {
                busy.decrementAndGet(); // before the caller learns the result: a monitor may run right after
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
                healthChanged(); // a confirmed stop may have emptied the node
                return null;
            }));
        });
        return result;
    }

    /** Starts the recurring monitor of a running resource (after a successful start it starts by itself). */
    public void monitor(Resource resource, Optional<ResourceId> group) {
        Monitor m = new Monitor(resource, group);
        Monitor old = monitors.put(resource.id(), m);
        if (old != null) {
            old.cancel();
        }
        m.schedule();
        // a (re)started resource starts its bound monitors afresh: no failed checks carried over
        cancelChecks(c -> c.binding.on() == MonitorBinding.Scope.RESOURCE
                && c.binding.target().equals(resource.id()), false);
        syncMonitors();
        // and says so: the coordinator shows the last published result, which was the FAILED that restarted it
        checks.values().stream().filter(c -> c.binding.on() == MonitorBinding.Scope.RESOURCE
                && c.binding.target().equals(resource.id())).forEach(Check::announcePending);
    }

    public void unmonitor(ResourceId id) {
        Monitor m = monitors.remove(id);
        if (m != null) {
            m.cancel();
            syncMonitors();
        }
    }

    /**
     * Where bindings come from (the failover configuration, read at every change) and how monitor types are found.
     * Call {@link #syncMonitors} after a configuration change or when monitor services come and go.
     */
    public void bindMonitors(java.util.function.Supplier<FailoverConfig> configuration, MonitorTypes types) {
        this.config = configuration;
        this.monitorTypes = types;
        syncMonitors();
    }

    /**
     * Starts the bindings that should run here and are not running, and stops the ones that should not (removed,
     * changed, resource no longer monitored here, node no longer listed by the group). A changed binding restarts
     * with no failed checks.
     */
    public synchronized void syncMonitors() {
        if (closed) {
            return;
        }
        FailoverConfig cfg;
        try {
            cfg = config.get();
        } catch (RuntimeException e) {
            LOG.warn("bound monitors not updated: configuration unreadable: {}", e.toString());
            return;
        }
        Map<ResourceId, MonitorBinding> wanted = new java.util.LinkedHashMap<>();
        for (MonitorBinding b : cfg.monitors().values()) {
            boolean here = b.on() == MonitorBinding.Scope.RESOURCE ? monitors.containsKey(b.target())
                    : cfg.group(b.target()).filter(g -> g.nodes().contains(local)).isPresent();
            if (here) {
                wanted.put(b.id(), b);
            }
        }
        cancelChecks(c -> !c.binding.equals(wanted.get(c.binding.id())), true);
        for (MonitorBinding b : wanted.values()) {
            if (!checks.containsKey(b.id())) {
                Check c = new Check(b, b.group(cfg));
                checks.put(b.id(), c);
                c.announceRebootBan();
                c.schedule();
            }
        }
    }

    private synchronized void cancelChecks(java.util.function.Predicate<Check> which, boolean announce) {
        for (java.util.Iterator<Check> it = checks.values().iterator(); it.hasNext(); ) {
            Check c = it.next();
            if (which.test(c)) {
                it.remove();
                c.cancel(announce);
            }
        }
    }

    /** What the node does about its failed {@code on-fail=reboot} checks (the self-reboot); none by default. */
    public void nodeHealthHook(NodeHealthHook hook) {
        this.nodeHealth = hook == null ? NodeHealthHook.NONE : hook;
    }

    /**
     * What may still run on this node, as a sentence ("app running, db failed, vip: operation in flight"); empty
     * when nothing does: every resource this executor ran, adopted or was asked about was last reported STOPPED
     * and no operation is queued or running. A BLOCKED (unconfirmed) stop, a FAILED or UNKNOWN resource all count
     * as still here.
     */
    public Optional<String> stillHere() {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        last.forEach((id, l) -> {
            if (l.state() != ResourceState.STOPPED) {
                out.put(id.value(), l.state().name().toLowerCase(java.util.Locale.ROOT));
            }
        });
        monitors.keySet().forEach(id -> out.putIfAbsent(id.value(), "monitored"));
        inflight.forEach((id, n) -> {
            if (n.get() > 0) {
                out.put(id.value(), "operation in flight");
            }
        });
        if (out.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", out.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .toList()));
    }

    private void healthChanged() {
        try {
            nodeHealth.changed();
        } catch (RuntimeException e) {
            LOG.warn("node-health hook failed: {}", e.toString());
        }
    }

    /** The bound monitors running on this node and their latest results, by binding name. */
    public Map<ResourceId, MonitorStatus> monitorStatuses() {
        Map<ResourceId, MonitorStatus> out = new java.util.TreeMap<>();
        checks.forEach((id, c) -> out.put(id, c.status));
        return out;
    }

    public boolean isMonitoring(ResourceId id) {
        return monitors.containsKey(id);
    }

    @Override
    public void close() {
        closed = true;
        monitors.values().forEach(Monitor::cancel);
        monitors.clear();
        checks.values().forEach(c -> c.cancel(false));
        checks.clear();
    }

    // ---- operations -----------------------------------------------------------------------------------

    /**
     * How long an operation waits for the agent of its type to appear (at most its own timeout). A plug-in's agents
     * register seconds after the failover bundle on a node's boot (and vanish for a moment while a plug-in is
     * updated): without the wait, the defensive stop of a rebooting node failed with "no agent", counted as a stop
     * that could not be confirmed, and the node was fenced for a resource it never ran. Zero: fail at once.
     */
    public void awaitMissingAgents(Duration upTo) {
        agentWait = upTo;
    }

    private volatile Duration agentWait = Duration.ZERO;
    private static final Duration AGENT_POLL = Duration.ofMillis(100);

    private CompletableFuture<Report> fromRecord(Operation op) {
        Optional<String> vouched = vouch(op.resource());
        if (vouched.isEmpty()) {
            return run(op);
        }
        ResourceState st = last.get(op.resource().id()).state();
        String why = vouched.get();
        history.add(entry(op, History.Kind.ACTION, "probe (" + op.epoch() + "): " + op.reason()
                + "; answered from this node's record: " + why));
        return CompletableFuture.completedFuture(publish(op, report(op, "probe", st == ResourceState.RUNNING
                ? OperationResult.success(why, Duration.ZERO) : OperationResult.of(OcfStatus.NOT_RUNNING, why,
                Duration.ZERO), st, false)));
    }

    /** Why this executor's record of the resource can answer a probe, or empty (see {@link #probe}). */
    private Optional<String> vouch(Resource resource) {
        if (FailoverConfig.isPromotable(resource)) {
            return Optional.empty(); // a real probe asks its role and position, which the engine decides on
        }
        Last k = last.get(resource.id());
        if (k == null || !k.resource().equals(resource)
                || k.state() != ResourceState.RUNNING && k.state() != ResourceState.STOPPED) {
            return Optional.empty();
        }
        Instant now = scheduler.now();
        Monitor m = monitors.get(resource.id());
        if (k.state() == ResourceState.STOPPED) {
            return m == null ? Optional.of("stopped (" + k.how() + " " + ago(k.at(), now) + ")") : Optional.empty();
        }
        if (k.state() != ResourceState.RUNNING || m == null || m.last != ResourceState.RUNNING
                || !m.resource.equals(resource)) {
            return Optional.empty();
        }
        Duration since = Duration.between(m.lastOk, now);
        Duration limit = resource.monitorInterval().multipliedBy(2).plus(resource.timeouts().monitor());
        if (since.compareTo(limit) > 0) {
            return Optional.empty();
        }
        return Optional.of("running (" + k.how() + " " + ago(k.at(), now) + ", monitored every "
                + DurationWords.format(resource.monitorInterval()) + ", last check passed " + ago(m.lastOk, now) + ")");
    }

    private static String ago(Instant then, Instant now) {
        long ms = Math.max(0, Duration.between(then, now).toMillis());
        return (ms < 1000 ? ms + " ms" : DurationWords.format(Duration.ofMillis(ms))) + " ago";
    }

    private CompletableFuture<Report> run(Operation op) {
        Resource r = op.resource();
        Optional<ResourceAgent> agent = agents.agent(r.type());
        if (agent.isPresent()) {
            return run(op, agent.get());
        }
        Duration timeout = switch (op.kind()) {
            case START, PROMOTE, FOLLOW -> r.timeouts().start();
            case STOP -> r.timeouts().stop();
            case PROBE -> r.timeouts().monitor();
        };
        Duration wait = agentWait.compareTo(timeout) < 0 ? agentWait : timeout;
        if (wait.isZero() || wait.isNegative() || closed) {
            return noAgent(op, "");
        }
        LOG.info("{} of {} waits up to {} for an agent of type '{}' (a plug-in still starting?)",
                op.kind().name().toLowerCase(), r.id(), DurationWords.format(wait), r.type());
        CompletableFuture<Report> out = new CompletableFuture<>();
        Instant deadline = scheduler.now().plus(wait);
        awaitAgent(op, deadline, wait, out);
        return out;
    }

    private void awaitAgent(Operation op, Instant deadline, Duration wait, CompletableFuture<Report> out) {
        scheduler.schedule(AGENT_POLL, () -> {
            Optional<ResourceAgent> agent = agents.agent(op.resource().type());
            CompletableFuture<Report> next;
            if (agent.isPresent()) {
                LOG.info("agent of type '{}' present: {} of {} goes on", op.resource().type(),
                        op.kind().name().toLowerCase(), op.resource().id());
                next = run(op, agent.get());
            } else if (closed || !scheduler.now().isBefore(deadline)) {
                next = noAgent(op, " within " + DurationWords.format(wait));
            } else {
                awaitAgent(op, deadline, wait, out);
                return;
            }
            next.whenComplete((rep, err) -> {
                if (err != null) {
                    out.completeExceptionally(err);
                } else {
                    out.complete(rep);
                }
            });
        });
    }

    private CompletableFuture<Report> noAgent(Operation op, String waited) {
        Resource r = op.resource();
        String why = "no agent for type '" + r.type() + "' on " + local + waited + " (is its feature installed?)";
        history.add(entry(op, History.Kind.FAILURE, op.kind().name().toLowerCase() + " failed: " + why));
        ResourceState st = switch (op.kind()) {
            case STOP -> ResourceState.BLOCKED;
            case PROBE -> ResourceState.UNKNOWN;
            case START, PROMOTE, FOLLOW -> ResourceState.FAILED;
        };
        return CompletableFuture.completedFuture(publish(op, report(op, op.kind().name().toLowerCase(),
                OperationResult.of(OcfStatus.ERR_INSTALLED, why, Duration.ZERO), st,
                op.kind() != Operation.Kind.PROBE)));
    }

    private CompletableFuture<Report> run(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        history.add(entry(op, History.Kind.ACTION, op.kind().name().toLowerCase() + " (" + op.epoch() + "): "
                + op.reason()));
        switch (op.kind()) {
            case START:
                return start(op, a);
            case STOP:
                unmonitor(r.id());
                return stop(op, a);
            case PROMOTE:
            case FOLLOW:
                return promoteOrFollow(op, a);
            default:
                return timed(r.timeouts().monitor(), () -> a.monitor(r, r.timeouts().monitor()), "probe of " + r.id())
                        .thenCompose(res -> replicaStatus(r, a, monitorState(res)).thenApply(rs -> {
                            // a promotable resource's standby is STANDBY, not RUNNING: its group is not active here
                            ResourceState st = withRole(monitorState(res), rs);
                            // a probe that finds it running adopts it (after a restart of this node, or when a new
                            // coordinator asks): from now on it is monitored like one this executor started
                            if ((st == ResourceState.RUNNING || st == ResourceState.STANDBY)
                                    && !monitors.containsKey(r.id())) {
                                monitor(r, op.group());
                            } else if (st == ResourceState.STOPPED) {
                                unmonitor(r.id());
                            }
                            // a probe that finds it failed counts, as in Pacemaker: the engine probes a resource
                            // still marked failed after its failure expired, and must not probe it forever
                            return publish(op, report(op, "probe", res, st, st == ResourceState.FAILED).withReplica(rs));
                        }));
        }
    }

    /** PROMOTE and FOLLOW of a promotable resource, bounded by its start timeout. */
    private CompletableFuture<Report> promoteOrFollow(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        String name = op.kind().name().toLowerCase();
        if (!(a instanceof PromotableAgent pa)) {
            String why = "agent type '" + r.type() + "' cannot " + name + ": it does not manage promotable resources";
            history.add(entry(op, History.Kind.FAILURE, name + " refused: " + why));
            return CompletableFuture.completedFuture(publish(op, report(op, name,
                    OperationResult.of(OcfStatus.ERR_UNIMPLEMENTED, why, Duration.ZERO), ResourceState.FAILED, true)));
        }
        Duration t = r.timeouts().start();
        AgentCall call = op.kind() == Operation.Kind.PROMOTE ? () -> pa.promote(r, t)
                : () -> pa.follow(r, op.peer().orElseThrow(), t);
        return timed(t, call, name + " of " + r.id()).thenCompose(res -> {
            if (!res.isSuccess()) {
                history.add(entry(op, History.Kind.FAILURE, name + " failed: " + describe(res)));
                return CompletableFuture.completedFuture(publish(op, report(op, name, res, ResourceState.FAILED, true)));
            }
            monitor(r, op.group());
            history.add(entry(op, History.Kind.ACTION, name + " done: " + res.reason()));
            ResourceState done = op.kind() == Operation.Kind.PROMOTE ? ResourceState.RUNNING : ResourceState.STANDBY;
            return replicaStatus(r, a, done).thenApply(rs -> publish(op, report(op, name, res, done, false)
                    .withReplica(rs)));
        });
    }

    /**
     * A promotable resource's role and position, asked of its agent within the monitor timeout when the monitor
     * found it running or stopped (a stopped copy's position on disk counts for a cold start). Empty for every
     * other resource, or when the agent did not answer.
     */
    private CompletableFuture<Optional<ReplicaStatus>> replicaStatus(Resource r, ResourceAgent a, ResourceState st) {
        if (!(a instanceof PromotableAgent pa) || !FailoverConfig.isPromotable(r)
                || st != ResourceState.RUNNING && st != ResourceState.STOPPED && st != ResourceState.STANDBY) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        java.util.concurrent.atomic.AtomicReference<ReplicaStatus> got = new java.util.concurrent.atomic
                .AtomicReference<>();
        Duration t = r.timeouts().monitor();
        return timed(t, () -> {
            got.set(pa.status(r, t));
            return OperationResult.success("status", Duration.ZERO);
        }, "status of " + r.id()).thenApply(res -> Optional.ofNullable(got.get()));
    }

    /** RUNNING as the monitor saw it, refined by the role: a running standby is STANDBY. */
    private static ResourceState withRole(ResourceState st, Optional<ReplicaStatus> rs) {
        return st == ResourceState.RUNNING && rs.filter(x -> x.role() == ReplicaStatus.Role.STANDBY).isPresent()
                ? ResourceState.STANDBY : st;
    }

    private CompletableFuture<Report> start(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        String volume = r.params().get(VOLUME_PARAM);
        if (volume != null) {
            Optional<String> refused = takeVolume(volume, op);
            if (refused.isPresent()) {
                history.add(entry(op, History.Kind.FAILURE, "start refused: " + refused.get()));
                return CompletableFuture.completedFuture(publish(op, report(op, "start",
                        OperationResult.of(OcfStatus.ERR_PERM, refused.get(), Duration.ZERO), ResourceState.FAILED,
                        true)));
            }
        }
        return timed(r.timeouts().start(), () -> a.start(r, r.timeouts().start()), "start of " + r.id())
                .thenApply(res -> {
                    if (res.isSuccess()) {
                        monitor(r, op.group());
                        if (FailoverConfig.isPromotable(r)) {
                            // what the copy became and in which replication mode ("can lose commits"): the
                            // operator reads it in ha:history
                            history.add(entry(op, History.Kind.ACTION, "start done: " + res.reason()));
                        }
                        return publish(op, report(op, "start", res, ResourceState.RUNNING, false));
                    }
                    history.add(entry(op, History.Kind.FAILURE, "start failed: " + describe(res)));
                    return publish(op, report(op, "start", res, ResourceState.FAILED, true));
                });
    }

    private CompletableFuture<Report> stop(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        return timed(r.timeouts().stop(), () -> a.stop(r, r.timeouts().stop()), "stop of " + r.id())
                .thenCompose(res -> {
                    if (res.isSuccess() || res.status() == OcfStatus.NOT_RUNNING) {
                        releaseVolume(r, op);
                        return CompletableFuture.completedFuture(publish(op, report(op, "stop", res,
                                ResourceState.STOPPED, false)));
                    }
                    return escalate(op, a, res);
                });
    }

    /** The stop failed or timed out: kill, then probe; only a probe that says "not running" confirms the stop. */
    private CompletableFuture<Report> escalate(Operation op, ResourceAgent a, OperationResult failedStop) {
        Resource r = op.resource();
        String first = "stop failed: " + describe(failedStop);
        history.add(entry(op, History.Kind.FAILURE, first));
        LOG.warn("{} on {}: {}; escalating (kill, then probe)", r.id(), local, first);
        CompletableFuture<OperationResult> killed = a instanceof Killable k
                ? timed(r.timeouts().stop(), () -> k.kill(r, r.timeouts().stop()), "kill of " + r.id())
                : CompletableFuture.completedFuture(OperationResult.of(OcfStatus.ERR_UNIMPLEMENTED,
                "agent " + a.type() + " cannot kill", Duration.ZERO));
        return killed.thenCompose(kill -> {
            history.add(entry(op, History.Kind.ESCALATION, "kill: " + describe(kill)));
            return timed(r.timeouts().monitor(), () -> a.monitor(r, r.timeouts().monitor()), "probe of " + r.id())
                    .thenApply(probe -> {
                        if (probe.status() == OcfStatus.NOT_RUNNING) {
                            releaseVolume(r, op);
                            String why = first + "; stopped after kill (" + kill.reason() + ")";
                            history.add(entry(op, History.Kind.ESCALATION, why));
                            return publish(op, report(op, "stop", OperationResult.of(OcfStatus.SUCCESS, why,
                                    failedStop.elapsed()), ResourceState.STOPPED, true));
                        }
                        String why = r.id() + " on " + local + ": " + first + "; kill: " + kill.reason()
                                + "; probe after kill: " + describe(probe)
                                + " - BLOCKED, must not start elsewhere until fenced or cleaned up";
                        LOG.error(why);
                        history.add(entry(op, History.Kind.ESCALATION, why));
                        stopUnconfirmed.accept(why);
                        return publish(op, report(op, "stop", OperationResult.of(failedStop.status(), why,
                                failedStop.elapsed()), ResourceState.BLOCKED, true));
                    });
        });
    }

    private Optional<String> takeVolume(String volume, Operation op) {
        if (volumeLock.isEmpty()) {
            return Optional.of("resource " + op.resource().id() + " needs exclusive volume '" + volume
                    + "' but no volume lock service is available (install the mirror feature)");
        }
        try {
            volumeLock.get().acquire(volume, local, op.epoch(), op.resource().timeouts().start());
            return Optional.empty();
        } catch (VolumeLockException e) {
            return Optional.of("volume '" + volume + "' lock refused: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while taking volume '" + volume + "'");
        }
    }

    private void releaseVolume(Resource r, Operation op) {
        String volume = r.params().get(VOLUME_PARAM);
        if (volume != null && volumeLock.isPresent()) {
            try {
                volumeLock.get().release(volume, local, op.epoch(), r.timeouts().stop());
            } catch (VolumeLockException e) {
                LOG.warn("release of volume '{}' after stopping {} refused: {}", volume, r.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- monitors ---------------------------------------------------------------------------------------

    private final class Monitor {
        private final Resource resource;
        private final Optional<ResourceId> group;
        private volatile Scheduler.Cancellable next;
        private volatile boolean cancelled;
        private volatile ResourceState last = ResourceState.RUNNING;
        /** The last check that passed; a monitor starts on a confirmed start or probe, which counts as one. */
        private volatile Instant lastOk = scheduler.now();

        Monitor(Resource resource, Optional<ResourceId> group) {
            this.resource = resource;
            this.group = group;
        }

        void schedule() {
            if (!cancelled && !closed) {
                next = scheduler.schedule(resource.monitorInterval(), this::fire);
            }
        }

        void cancel() {
            cancelled = true;
            Scheduler.Cancellable n = next;
            if (n != null) {
                n.cancel();
            }
        }

        private void fire() {
            if (cancelled || closed) {
                return;
            }
            java.util.concurrent.atomic.AtomicInteger busy = inflight.get(resource.id());
            if (busy != null && busy.get() > 0) {
                schedule(); // an operation runs on this resource: its result says more than a monitor would
                return;
            }
            Optional<ResourceAgent> agent = agents.agent(resource.type());
            if (agent.isEmpty()) {
                schedule();
                return;
            }
            Duration t = resource.timeouts().monitor();
            ResourceAgent a = agent.get();
            timed(t, () -> a.monitor(resource, t), "monitor of " + resource.id()).thenCompose(res ->
                    replicaStatus(resource, a, res.isSuccess() ? ResourceState.RUNNING : ResourceState.FAILED)
                            .thenApply(rs -> Map.entry(res, rs))).whenComplete((both, e) -> {
                if (cancelled || closed || both == null) {
                    schedule();
                    return;
                }
                OperationResult res = both.getKey();
                Optional<ReplicaStatus> rs = both.getValue();
                ResourceState st = withRole(res.isSuccess() ? ResourceState.RUNNING : ResourceState.FAILED, rs);
                if (st == ResourceState.RUNNING || st == ResourceState.STANDBY) {
                    lastOk = scheduler.now();
                }
                // a promotable resource reports at every monitor: the engine promotes on fresh positions only
                if (st != last || rs.isPresent()) {
                    last = st;
                    Operation op = new Operation(Operation.Kind.PROBE, resource, group, newestEpoch(), "monitor");
                    if (st == ResourceState.FAILED) {
                        history.add(entry(op, History.Kind.FAILURE, "monitor failed: " + describe(res)));
                        LOG.warn("{} failed on {}: {}", resource.id(), local, describe(res));
                    }
                    publish(op, report(op, "monitor", res, st, st == ResourceState.FAILED).withReplica(rs));
                }
                schedule();
            });
        }
    }

    // ---- bound monitors ---------------------------------------------------------------------------------

    /** One bound monitor on this node: checks at its interval, counts consecutive failures, reports. */
    private final class Check {
        private final MonitorBinding binding;
        private final Optional<ResourceId> group;
        private volatile Scheduler.Cancellable next;
        private volatile boolean cancelled;
        private volatile MonitorStatus status;
        /** Consecutive failed checks; only the scheduler thread's callbacks touch it, one check at a time. */
        private int failures;
        /** When the current or last check started (scheduler thread only); null before the first. */
        private Instant lastStart;
        /** on=resource: the resource failure was reported and no healthy check came since. */
        private boolean failureReported;

        /**
         * on-fail=reboot after this node rebooted itself: why it stays banned until a check passes (a failed or
         * merely failing, unknown or missing check keeps the ban; only HEALTHY or DEGRADED lifts it).
         */
        private volatile Optional<String> bannedAfterReboot = Optional.empty();

        Check(MonitorBinding binding, Optional<ResourceId> group) {
            this.binding = binding;
            this.group = group;
            this.status = new MonitorStatus(binding, local, MonitorStatus.State.PENDING, 0,
                    name() + ": first check in " + binding.interval().toMillis() + " ms", scheduler.now());
            if (binding.reboots()) {
                try {
                    bannedAfterReboot = nodeHealth.afterReboot(binding);
                } catch (RuntimeException e) {
                    bannedAfterReboot = Optional.of("on-fail=reboot: " + e + "; not eligible until a check passes");
                }
            }
        }

        /**
         * Tells the coordinator at once that this node is still banned after its self-reboot: a coordinator that
         * forgot the ban (it was the node that rebooted) must not place groups here before a check passed.
         */
        void announceRebootBan() {
            bannedAfterReboot.ifPresent(why -> publishHealth(healthReport(MonitorStatus.State.PENDING,
                    ResourceState.FAILED, status.describe() + "; " + why)));
        }

        /** For display only (on=resource results do not drive decisions): a fresh check has not run yet. */
        void announcePending() {
            publishHealth(healthReport(MonitorStatus.State.PENDING, ResourceState.RUNNING, status.describe()));
        }

        private String name() {
            return "monitor " + binding.id();
        }

        /**
         * The next check starts one interval after the last one started, not after it ended: a failing check that
         * runs into its timeout would otherwise stretch every cycle by that timeout, and a gateway cut took
         * interval x count + 2 timeouts + the move (3.2 s for 1 s x 2 and 400 ms) instead of interval x count + 1 s.
         */
        void schedule() {
            if (!cancelled && !closed) {
                Instant started = lastStart;
                Duration wait = binding.interval();
                if (started != null) {
                    Duration ran = Duration.between(started, scheduler.now());
                    wait = ran.compareTo(wait) >= 0 ? Duration.ZERO : wait.minus(ran);
                }
                next = scheduler.schedule(wait, this::fire);
            }
        }

        void cancel(boolean announce) {
            cancelled = true;
            Scheduler.Cancellable n = next;
            if (n != null) {
                n.cancel();
            }
            if (announce && binding.on() == MonitorBinding.Scope.NODE) {
                // the coordinator must not keep a ban from a binding that no longer runs here
                publishHealth(healthReport(MonitorStatus.State.PENDING, ResourceState.STOPPED,
                        name() + ": no longer checked on " + local));
            }
        }

        private void fire() {
            if (cancelled || closed) {
                return;
            }
            lastStart = scheduler.now();
            if (binding.on() == MonitorBinding.Scope.RESOURCE) {
                java.util.concurrent.atomic.AtomicInteger busy = inflight.get(binding.target());
                if (busy != null && busy.get() > 0) {
                    schedule(); // a start/stop runs on the resource: a check now would judge it half-way
                    return;
                }
            }
            Optional<ResourceMonitor> monitor;
            try {
                monitor = monitorTypes.monitor(binding.type());
            } catch (RuntimeException e) {
                monitor = Optional.empty();
            }
            if (monitor.isEmpty()) {
                record(MonitorStatus.State.TYPE_MISSING, name() + ": monitor type missing: no ResourceMonitor of "
                        + "type '" + binding.type() + "' on " + local + " (plug-in not installed?); not a failure");
                schedule();
                return;
            }
            ResourceMonitor m = monitor.get();
            checked(m).whenComplete((hs, e) -> {
                if (cancelled || closed) {
                    return;
                }
                try {
                    outcome(e != null ? HealthStatus.unhealthy("check failed: " + e, Duration.ZERO) : hs);
                } finally {
                    schedule();
                }
                if (binding.reboots()) {
                    healthChanged();
                }
            });
        }

        /** The check on a worker, cut off at the binding's timeout; a throw or a hang is an UNHEALTHY verdict. */
        private CompletableFuture<HealthStatus> checked(ResourceMonitor m) {
            CompletableFuture<HealthStatus> out = new CompletableFuture<>();
            AtomicBoolean done = new AtomicBoolean();
            Instant started = scheduler.now();
            Duration timeout = binding.timeout();
            Future<?>[] task = new Future<?>[1];
            Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
                if (done.compareAndSet(false, true)) {
                    Future<?> f = task[0];
                    if (f != null) {
                        f.cancel(true);
                    }
                    out.complete(HealthStatus.unhealthy("no answer within " + timeout.toMillis()
                            + " ms (check cut off)", timeout));
                }
            });
            try {
                task[0] = workers.submit(() -> {
                    HealthStatus hs;
                    try {
                        hs = m.check(binding.params(), timeout);
                        if (hs == null) {
                            hs = HealthStatus.unhealthy("check returned no status", elapsed(started));
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception | LinkageError e) {
                        hs = HealthStatus.unhealthy("check threw " + e, elapsed(started));
                    }
                    if (done.compareAndSet(false, true)) {
                        timer.cancel();
                        out.complete(hs);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (done.compareAndSet(false, true)) {
                    timer.cancel();
                    out.complete(HealthStatus.unknown("executor shut down", Duration.ZERO));
                }
            }
            return out;
        }

        private void outcome(HealthStatus hs) {
            String reason = name() + ": " + hs.reason();
            switch (hs.health()) {
                case HEALTHY, DEGRADED -> {
                    failures = 0;
                    record(hs.health() == Health.HEALTHY ? MonitorStatus.State.HEALTHY : MonitorStatus.State.DEGRADED,
                            reason);
                    recovered(reason);
                }
                case UNHEALTHY -> {
                    failures++;
                    boolean failed = failures >= binding.count();
                    record(failed ? MonitorStatus.State.FAILED : MonitorStatus.State.FAILING, reason);
                    if (failed) {
                        failed(reason);
                    }
                }
                default -> record(MonitorStatus.State.UNKNOWN, reason); // the monitor could not tell: count unchanged
            }
        }

        private void record(MonitorStatus.State state, String reason) {
            MonitorStatus before = status;
            status = new MonitorStatus(binding, local, state, failures, reason, scheduler.now());
            boolean changed = before.state() != state
                    || state == MonitorStatus.State.FAILING && before.failures() != failures;
            if (changed && state != MonitorStatus.State.HEALTHY && state != MonitorStatus.State.FAILED) {
                LOG.info("{} on {}: {}", name(), local, status.describe());
            }
            if (changed && (state == MonitorStatus.State.TYPE_MISSING || state == MonitorStatus.State.FAILING
                    && failures == 1 || before.state() == MonitorStatus.State.FAILED)) {
                history.add(new History.Entry(scheduler.now(), local, group, Optional.of(binding.target()),
                        History.Kind.FAILURE, status.describe()));
            }
            // on=node: every result goes out (a coordinator elected meanwhile learns it within one interval);
            // on=resource: changes only, for display (the failure itself goes out as the resource's report)
            if (state == MonitorStatus.State.HEALTHY || state == MonitorStatus.State.DEGRADED) {
                bannedAfterReboot = Optional.empty();
            }
            boolean held = bannedAfterReboot.isPresent() && state != MonitorStatus.State.FAILED;
            if (binding.on() == MonitorBinding.Scope.NODE || changed) {
                publishHealth(healthReport(state, state == MonitorStatus.State.FAILED || held ? ResourceState.FAILED
                        : ResourceState.RUNNING, status.describe() + (held ? "; " + bannedAfterReboot.get()
                        : rebootNote(state))));
            }
        }

        /**
         * on-fail=reboot, FAILED: what the node does about it (reboots once empty, or the guard refused), added to
         * the published result so the coordinator's reasons, ha:monitor-show and ha:status say it.
         */
        private String rebootNote(MonitorStatus.State state) {
            if (state != MonitorStatus.State.FAILED || !binding.reboots()) {
                return "";
            }
            try {
                return nodeHealth.note(binding).map(n -> "; " + n).orElse("");
            } catch (RuntimeException e) {
                return "; on-fail=reboot: " + e;
            }
        }

        private void failed(String reason) {
            if (binding.on() == MonitorBinding.Scope.NODE) {
                if (failures == binding.count()) {
                    history.add(new History.Entry(scheduler.now(), local, group, Optional.empty(),
                            History.Kind.FAILURE, local + " not eligible for " + binding.target() + ": "
                            + status.describe()));
                    LOG.warn("{} not eligible for {}: {}", local, binding.target(), status.describe());
                }
                return;
            }
            if (failureReported) {
                return; // reported once; the engine restarts or moves the resource, which restarts this check
            }
            Monitor rm = monitors.get(binding.target());
            if (rm == null) {
                return;
            }
            failureReported = true;
            Operation op = new Operation(Operation.Kind.PROBE, rm.resource, rm.group, newestEpoch(), "monitor");
            String why = reason + " (" + failures + " failed check" + (failures == 1 ? "" : "s") + " in a row)";
            history.add(entry(op, History.Kind.FAILURE, "monitor failed: " + why));
            LOG.warn("{} failed on {}: {}", binding.target(), local, why);
            publish(op, report(op, "monitor", OperationResult.of(OcfStatus.ERR_GENERIC, why, Duration.ZERO),
                    ResourceState.FAILED, true));
        }

        /** on=resource: a healthy check after a reported failure the engine did not act on (unmanaged group...). */
        private void recovered(String reason) {
            if (!failureReported) {
                return;
            }
            failureReported = false;
            Monitor rm = monitors.get(binding.target());
            if (rm == null || rm.last != ResourceState.RUNNING) {
                return; // the agent's own monitor says it is not running: its report stands
            }
            Operation op = new Operation(Operation.Kind.PROBE, rm.resource, rm.group, newestEpoch(), "monitor");
            publish(op, report(op, "monitor", OperationResult.success(reason, Duration.ZERO), ResourceState.RUNNING,
                    false));
        }

        private Report healthReport(MonitorStatus.State state, ResourceState rs, String text) {
            OcfStatus code = switch (state) {
                case HEALTHY, DEGRADED, PENDING -> OcfStatus.SUCCESS;
                case TYPE_MISSING -> OcfStatus.ERR_INSTALLED;
                case UNKNOWN -> OcfStatus.TIMEOUT;
                default -> OcfStatus.ERR_GENERIC;
            };
            return new Report(local, binding.id(), group, HEALTH, OperationResult.of(code, text, Duration.ZERO), rs,
                    false, scheduler.now());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface AgentCall {
        OperationResult call() throws Exception;
    }

    /**
     * Runs {@code call} on a worker with a timeout from the scheduler; on timeout the worker is interrupted and
     * the result is {@link OcfStatus#TIMEOUT}, whether or not the agent ever returns.
     */
    private CompletableFuture<OperationResult> timed(Duration timeout, AgentCall call, String what) {
        CompletableFuture<OperationResult> out = new CompletableFuture<>();
        AtomicBoolean done = new AtomicBoolean();
        Instant started = scheduler.now();
        Future<?>[] task = new Future<?>[1];
        Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
            if (done.compareAndSet(false, true)) {
                Future<?> f = task[0];
                if (f != null) {
                    f.cancel(true);
                }
                out.complete(OperationResult.of(OcfStatus.TIMEOUT, what + " did not finish within "
                        + timeout.toMillis() + " ms", timeout));
            }
        });
        try {
            task[0] = workers.submit(() -> {
                OperationResult res;
                try {
                    res = call.call();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception | LinkageError e) {
                    res = OperationResult.of(OcfStatus.ERR_GENERIC, what + " threw " + e, elapsed(started));
                }
                if (done.compareAndSet(false, true)) {
                    timer.cancel();
                    out.complete(res);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (done.compareAndSet(false, true)) {
                timer.cancel();
                out.complete(OperationResult.of(OcfStatus.ERR_GENERIC, what + ": executor shut down", Duration.ZERO));
            }
        }
        return out;
    }

    private Duration elapsed(Instant since) {
        return Duration.between(since, scheduler.now());
    }

    private static ResourceState monitorState(OperationResult res) {
        if (res.isSuccess()) {
            return ResourceState.RUNNING;
        }
        if (res.status() == OcfStatus.NOT_RUNNING) {
            return ResourceState.STOPPED;
        }
        return res.status() == OcfStatus.TIMEOUT ? ResourceState.UNKNOWN : ResourceState.FAILED;
    }

    private static String describe(OperationResult res) {
        return res.status().name().toLowerCase() + (res.status().code() >= 0 ? " (exit " + res.status().code() + ")"
                : "") + ": " + res.reason();
    }

    private Report report(Operation op, String operation, OperationResult res, ResourceState state, boolean failure) {
        Instant now = scheduler.now();
        return new Report(local, op.resource().id(), op.group(), operation, res, state, failure, now);
    }

    /** Records what {@code op}'s report says of its resource here (see {@link #last}) and tells the listener. */
    private Report publish(Operation op, Report r) {
        last.put(r.resource(), new Last(op.resource(), r.state(), r.operation(), r.at()));
        return publishHealth(r);
    }

    /** Tells the listener; a bound monitor's {@link #HEALTH} result says nothing of what runs here. */
    private Report publishHealth(Report r) {
        try {
            listener.reported(r);
        } catch (RuntimeException e) {
            LOG.warn("execution listener failed on report for {}: {}", r.resource(), e.toString());
        }
        return r;
    }

    private History.Entry entry(Operation op, History.Kind kind, String text) {
        return new History.Entry(scheduler.now(), local, op.group(), Optional.of(op.resource().id()), kind, text);
    }
}
