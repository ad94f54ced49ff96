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
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.VolumeLock;
import org.duplex.api.failover.VolumeLockException;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.history.History;
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
 */
public final class Executor implements AutoCloseable {

    public static final String VOLUME_PARAM = "volume";

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

    /** Queues an operation behind any other operation on the same resource; the future completes with its report. */
    public CompletableFuture<Report> submit(Operation op) {
        ResourceId id = op.resource().id();
        synchronized (epochLock) {
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
            return start.handle((x, e) -> null).thenCompose(x -> run(op).handle((r, e) -> {
                busy.decrementAndGet(); // before the caller learns the result: a monitor may run right after
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
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
    }

    public void unmonitor(ResourceId id) {
        Monitor m = monitors.remove(id);
        if (m != null) {
            m.cancel();
        }
    }

    public boolean isMonitoring(ResourceId id) {
        return monitors.containsKey(id);
    }

    @Override
    public void close() {
        closed = true;
        monitors.values().forEach(Monitor::cancel);
        monitors.clear();
    }

    // ---- operations -----------------------------------------------------------------------------------

    private CompletableFuture<Report> run(Operation op) {
        Resource r = op.resource();
        Optional<ResourceAgent> agent = agents.agent(r.type());
        if (agent.isEmpty()) {
            String why = "no agent for type '" + r.type() + "' on " + local + " (is its feature installed?)";
            history.add(entry(op, History.Kind.FAILURE, op.kind().name().toLowerCase() + " failed: " + why));
            ResourceState st = op.kind() == Operation.Kind.STOP ? ResourceState.BLOCKED : ResourceState.FAILED;
            if (op.kind() == Operation.Kind.PROBE) {
                st = ResourceState.UNKNOWN;
            }
            return CompletableFuture.completedFuture(publish(report(op, op.kind().name().toLowerCase(),
                    OperationResult.of(OcfStatus.ERR_INSTALLED, why, Duration.ZERO), st,
                    op.kind() != Operation.Kind.PROBE)));
        }
        ResourceAgent a = agent.get();
        history.add(entry(op, History.Kind.ACTION, op.kind().name().toLowerCase() + " (" + op.epoch() + "): "
                + op.reason()));
        switch (op.kind()) {
            case START:
                return start(op, a);
            case STOP:
                unmonitor(r.id());
                return stop(op, a);
            default:
                return timed(r.timeouts().monitor(), () -> a.monitor(r, r.timeouts().monitor()), "probe of " + r.id())
                        .thenApply(res -> {
                            ResourceState st = monitorState(res);
                            // a probe that finds it running adopts it (after a restart of this node, or when a new
                            // coordinator asks): from now on it is monitored like one this executor started
                            if (st == ResourceState.RUNNING && !monitors.containsKey(r.id())) {
                                monitor(r, op.group());
                            } else if (st == ResourceState.STOPPED) {
                                unmonitor(r.id());
                            }
                            // a probe that finds it failed counts, as in Pacemaker: the engine probes a resource
                            // still marked failed after its failure expired, and must not probe it forever
                            return publish(report(op, "probe", res, st, st == ResourceState.FAILED));
                        });
        }
    }

    private CompletableFuture<Report> start(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        String volume = r.params().get(VOLUME_PARAM);
        if (volume != null) {
            Optional<String> refused = takeVolume(volume, op);
            if (refused.isPresent()) {
                history.add(entry(op, History.Kind.FAILURE, "start refused: " + refused.get()));
                return CompletableFuture.completedFuture(publish(report(op, "start",
                        OperationResult.of(OcfStatus.ERR_PERM, refused.get(), Duration.ZERO), ResourceState.FAILED,
                        true)));
            }
        }
        return timed(r.timeouts().start(), () -> a.start(r, r.timeouts().start()), "start of " + r.id())
                .thenApply(res -> {
                    if (res.isSuccess()) {
                        monitor(r, op.group());
                        return publish(report(op, "start", res, ResourceState.RUNNING, false));
                    }
                    history.add(entry(op, History.Kind.FAILURE, "start failed: " + describe(res)));
                    return publish(report(op, "start", res, ResourceState.FAILED, true));
                });
    }

    private CompletableFuture<Report> stop(Operation op, ResourceAgent a) {
        Resource r = op.resource();
        return timed(r.timeouts().stop(), () -> a.stop(r, r.timeouts().stop()), "stop of " + r.id())
                .thenCompose(res -> {
                    if (res.isSuccess() || res.status() == OcfStatus.NOT_RUNNING) {
                        releaseVolume(r, op);
                        return CompletableFuture.completedFuture(publish(report(op, "stop", res,
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
                            return publish(report(op, "stop", OperationResult.of(OcfStatus.SUCCESS, why,
                                    failedStop.elapsed()), ResourceState.STOPPED, true));
                        }
                        String why = r.id() + " on " + local + ": " + first + "; kill: " + kill.reason()
                                + "; probe after kill: " + describe(probe)
                                + " - BLOCKED, must not start elsewhere until fenced or cleaned up";
                        LOG.error(why);
                        history.add(entry(op, History.Kind.ESCALATION, why));
                        stopUnconfirmed.accept(why);
                        return publish(report(op, "stop", OperationResult.of(failedStop.status(), why,
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
            timed(t, () -> agent.get().monitor(resource, t), "monitor of " + resource.id()).whenComplete((res, e) -> {
                if (cancelled || closed) {
                    return;
                }
                ResourceState st = res.isSuccess() ? ResourceState.RUNNING : ResourceState.FAILED;
                if (st != last) {
                    last = st;
                    Operation op = new Operation(Operation.Kind.PROBE, resource, group, newestEpoch(), "monitor");
                    if (st == ResourceState.FAILED) {
                        history.add(entry(op, History.Kind.FAILURE, "monitor failed: " + describe(res)));
                        LOG.warn("{} failed on {}: {}", resource.id(), local, describe(res));
                    }
                    publish(report(op, "monitor", res, st, st == ResourceState.FAILED));
                }
                schedule();
            });
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
        return new Report(local, op.resource().id(), op.group(), operation, res, state, failure, scheduler.now());
    }

    private Report publish(Report r) {
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
