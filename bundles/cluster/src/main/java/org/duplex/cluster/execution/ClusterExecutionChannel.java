package org.duplex.cluster.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.failover.ExecutionChannel;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceState;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExecutionChannel} over the cluster's own messaging (JGroups' reliable, ordered unicast). Orders carry the
 * coordinator's fencing epoch; a node refuses an order older than the newest epoch it has seen (from its cluster
 * term or from earlier orders), answering with a "refused" report. Every send fails fast when the target is not in
 * the current view, fails when the target leaves the view, and times out after {@code timeout}.
 */
public final class ClusterExecutionChannel implements ExecutionChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutionChannel.class);

    /** How long an order waits for the configuration version its sender had (see ExecOrder#configVersion). */
    static final Duration CONFIG_WAIT = Duration.ofSeconds(2);

    private final NodeId self;
    private final Supplier<MembershipView> view;
    private final LongSupplier clusterEpoch;
    private final LongSupplier configVersion;
    private final Outbox outbox;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final Supplier<Instant> clock;
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong newestEpoch = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<ResourceReport>> listeners = new CopyOnWriteArrayList<>();
    private volatile Function<ResourceCommand, CompletableFuture<ResourceReport>> executor;
    private final OperatorRequests requests;

    private record Pending(NodeId target, CompletableFuture<ResourceReport> future) {
    }

    /**
     * @param view         this node's current membership view
     * @param clusterEpoch the newest fencing epoch this node's cluster core knows
     * @param configVersion this node's cluster configuration version
     * @param timeout      how long a sender waits for the report (longer than the longest agent operation)
     */
    public ClusterExecutionChannel(NodeId self, Supplier<MembershipView> view, LongSupplier clusterEpoch,
                                   LongSupplier configVersion, Outbox outbox, ScheduledExecutorService timer, Duration timeout,
                                   Supplier<Instant> clock) {
        this.self = Objects.requireNonNull(self, "self");
        this.view = view;
        this.clusterEpoch = clusterEpoch;
        this.configVersion = configVersion;
        this.outbox = outbox;
        this.timer = timer;
        this.timeout = timeout;
        this.clock = clock;
        this.requests = new OperatorRequests(self, view, outbox, timer,
                java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "duplex-operator-requests");
                    t.setDaemon(true);
                    return t;
                }));
    }

    @Override
    public CompletableFuture<String> request(NodeId node, org.duplex.api.failover.OperatorRequest request,
                                             Duration timeout) {
        return requests.request(node, request, timeout);
    }

    @Override
    public AutoCloseable serveRequests(Function<org.duplex.api.failover.OperatorRequest, String> handler) {
        return requests.serve(handler);
    }

    @Override
    public CompletableFuture<ResourceReport> send(NodeId node, ResourceCommand command) {
        if (node.equals(self)) {
            return handle(command);
        }
        MembershipView v = view.get();
        if (!v.members().contains(node)) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot send " + describe(command)
                    + " to " + node + ": not in the cluster view " + v.members()));
        }
        long id = nextId.getAndIncrement();
        CompletableFuture<ResourceReport> f = new CompletableFuture<>();
        pending.put(id, new Pending(node, f));
        f.whenComplete((r, e) -> pending.remove(id));
        try {
            java.util.concurrent.ScheduledFuture<?> expiry = timer.schedule(() -> f.completeExceptionally(
                    new TimeoutException("no report from " + node + " for " + describe(command) + " within "
                            + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
            f.whenComplete((r, e) -> expiry.cancel(false));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("execution channel is closed"));
            return f;
        }
        outbox.send(Optional.of(node), ExecutionWire.order(self, v.id(), id, command, configVersion.getAsLong()));
        return f;
    }

    @Override
    public AutoCloseable serve(Function<ResourceCommand, CompletableFuture<ResourceReport>> newExecutor) {
        executor = Objects.requireNonNull(newExecutor, "executor");
        return () -> {
            if (executor == newExecutor) {
                executor = null;
            }
        };
    }

    @Override
    public void publish(ResourceReport report) {
        outbox.send(Optional.empty(), ExecutionWire.report(self, view.get().id(), 0, report));
    }

    @Override
    public AutoCloseable onReport(Consumer<ResourceReport> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The newest fencing epoch this node has seen (its cluster term or any order). */
    public long newestEpoch() {
        return Math.max(newestEpoch.get(), clusterEpoch.getAsLong());
    }

    /** A new view: orders waiting on nodes that left it can never be answered. */
    public void onView(MembershipView v) {
        requests.onView(v);
        for (Pending p : pending.values()) {
            if (!v.members().contains(p.target())) {
                p.future().completeExceptionally(new IllegalStateException(p.target()
                        + " left the cluster view before reporting (view now " + v.members() + ")"));
            }
        }
    }

    /** Fails every waiting order (the node is shutting down). */
    public void close() {
        requests.close();
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(new IllegalStateException("execution channel closed"));
        }
    }

    /** Handles the execution messages; returns false for any other message. */
    public boolean onMessage(ClusterMessage m) {
        if (m instanceof ClusterMessage.ExecOrder o) {
            onOrder(o);
            return true;
        }
        if (m instanceof ClusterMessage.ExecReport r) {
            onReport(r);
            return true;
        }
        return requests.onMessage(m);
    }

    private void onOrder(ClusterMessage.ExecOrder o) {
        Optional<ResourceCommand> parsed = ExecutionWire.command(o);
        if (parsed.isEmpty()) {
            LOG.warn("Dropped a malformed order from {} (request {}, resource '{}', kind '{}')", o.from(),
                    o.requestId(), o.resource(), o.kind());
            return;
        }
        ResourceCommand c = parsed.get();
        awaitConfig(o.configVersion(), System.nanoTime() + CONFIG_WAIT.toNanos()).thenCompose(x -> handle(c))
                .whenComplete((r, e) -> {
            ResourceReport answer = r != null ? r : refused(c, "executor failed: " + (e == null ? "no report" : e));
            outbox.send(Optional.of(o.from()), ExecutionWire.report(self, view.get().id(), o.requestId(), answer));
        });
    }

    /** Completes once this node has configuration version {@code needed}, or at {@code deadline} anyway. */
    private CompletableFuture<Void> awaitConfig(long needed, long deadline) {
        if (configVersion.getAsLong() >= needed) {
            return CompletableFuture.completedFuture(null);
        }
        if (System.nanoTime() >= deadline) {
            LOG.warn("Running an order without configuration version {} (this node has {} after {} ms); the"
                    + " executor may not know its resource yet", needed, configVersion.getAsLong(),
                    CONFIG_WAIT.toMillis());
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> later = new CompletableFuture<>();
        try {
            timer.schedule(() -> awaitConfig(needed, deadline).whenComplete((x, e) -> later.complete(null)), 10,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            later.complete(null);
        }
        return later;
    }

    private CompletableFuture<ResourceReport> handle(ResourceCommand c) {
        long newest = newestEpoch();
        if (c.epoch().value() < newest) {
            LOG.warn("Refused {}: its fencing epoch {} is older than the newest this node has seen ({});"
                    + " a newer coordinator has taken over", describe(c), c.epoch().value(), newest);
            return CompletableFuture.completedFuture(refused(c, "stale fencing epoch " + c.epoch().value()
                    + " < " + newest));
        }
        newestEpoch.accumulateAndGet(c.epoch().value(), Math::max);
        Function<ResourceCommand, CompletableFuture<ResourceReport>> ex = executor;
        if (ex == null) {
            return CompletableFuture.completedFuture(refused(c, "no executor serves orders on " + self));
        }
        try {
            // this channel's timer, not orTimeout: CompletableFuture's JVM-wide delay thread keeps the context class
            // loader of the thread that first used it, and on a JGroups thread that is this bundle's loader,
            // which then outlives an upgrade of the bundle
            CompletableFuture<ResourceReport> f = ex.apply(c);
            java.util.concurrent.ScheduledFuture<?> expiry = timer.schedule(() -> f.completeExceptionally(
                    new TimeoutException(describe(c) + " not done within " + timeout.toMillis() + " ms")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            f.whenComplete((r, e) -> expiry.cancel(false));
            return f;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void onReport(ClusterMessage.ExecReport m) {
        Optional<ResourceReport> r = ExecutionWire.report(m);
        if (r.isEmpty()) {
            LOG.warn("Dropped a malformed report from {} (request {}, resource '{}')", m.from(), m.requestId(),
                    m.resource());
            return;
        }
        if (m.requestId() > 0) {
            Pending p = pending.get(m.requestId());
            if (p != null && p.target().equals(m.from())) {
                p.future().complete(r.get());
            }
            return;
        }
        for (Consumer<ResourceReport> l : listeners) {
            try {
                l.accept(r.get());
            } catch (RuntimeException e) {
                LOG.warn("Report listener {} failed: {}", l, e.toString());
            }
        }
    }

    private ResourceReport refused(ResourceCommand c, String why) {
        return new ResourceReport(self, c.resource(), c.group(), "refused",
                OperationResult.of(OcfStatus.ERR_PERM, why, Duration.ZERO), ResourceState.UNKNOWN, false,
                clock.get());
    }

    private static String describe(ResourceCommand c) {
        return c.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + c.resource() + " (epoch "
                + c.epoch().value() + ")";
    }
}
