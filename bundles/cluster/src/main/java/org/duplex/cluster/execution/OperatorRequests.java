package org.duplex.cluster.execution;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.duplex.api.failover.OperatorRequest;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator requests between nodes (ha:switchover, ha:cleanup typed on a node that is not the coordinator): the asking
 * side waits for the answer (bounded, and failed at once when the target leaves the view); the serving side runs the
 * handler on its own thread, never on the messaging thread (a switchover sends orders and waits for their reports,
 * which arrive on that thread).
 */
final class OperatorRequests {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorRequests.class);

    private final NodeId self;
    private final Supplier<MembershipView> view;
    private final Outbox outbox;
    private final ScheduledExecutorService timer;
    private final ExecutorService worker;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile Function<OperatorRequest, String> handler;

    private record Pending(NodeId target, CompletableFuture<String> future) {
    }

    OperatorRequests(NodeId self, Supplier<MembershipView> view, Outbox outbox, ScheduledExecutorService timer,
                     ExecutorService worker) {
        this.self = self;
        this.view = view;
        this.outbox = outbox;
        this.timer = timer;
        this.worker = worker;
    }

    CompletableFuture<String> request(NodeId node, OperatorRequest request, Duration timeout) {
        if (node.equals(self)) {
            return CompletableFuture.supplyAsync(() -> serve(request), worker);
        }
        MembershipView v = view.get();
        if (!v.members().contains(node)) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot forward " + request.operation()
                    + " to " + node + ": not in the cluster view " + v.members()));
        }
        long id = nextId.getAndIncrement();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.put(id, new Pending(node, f));
        f.whenComplete((r, e) -> pending.remove(id));
        try {
            var expiry = timer.schedule(() -> f.completeExceptionally(new TimeoutException("no answer from " + node
                    + " to " + request.operation() + " within " + timeout.toMillis() + " ms; it may still be "
                    + "carried out there: check ha:status and ha:history")), timeout.toMillis(), TimeUnit.MILLISECONDS);
            f.whenComplete((r, e) -> expiry.cancel(false));
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("execution channel is closed"));
            return f;
        }
        outbox.send(Optional.of(node), new ClusterMessage.OperatorAsk(self, v.id(), id, request.operation(),
                request.arguments(), request.origin()));
        return f;
    }

    AutoCloseable serve(Function<OperatorRequest, String> newHandler) {
        handler = Objects.requireNonNull(newHandler, "handler");
        return () -> {
            if (handler == newHandler) {
                handler = null;
            }
        };
    }

    boolean onMessage(ClusterMessage m) {
        if (m instanceof ClusterMessage.OperatorAsk ask) {
            onAsk(ask);
            return true;
        }
        if (m instanceof ClusterMessage.OperatorAnswer answer) {
            Pending p = pending.get(answer.requestId());
            if (p != null && p.target().equals(answer.from())) {
                if (answer.ok()) {
                    p.future().complete(answer.text() == null ? "" : answer.text());
                } else {
                    p.future().completeExceptionally(new IllegalStateException(answer.from() + " refused: "
                            + answer.text()));
                }
            }
            return true;
        }
        return false;
    }

    private void onAsk(ClusterMessage.OperatorAsk ask) {
        OperatorRequest request;
        try {
            request = new OperatorRequest(ask.operation(), ask.arguments() == null ? java.util.List.of()
                    : ask.arguments(), ask.origin() == null ? ask.from() + " (no origin)" : ask.origin());
        } catch (RuntimeException bad) {
            LOG.warn("Refused a malformed operator request from {}: {}", ask.from(), bad.getMessage());
            answer(ask, false, "malformed request: " + bad.getMessage());
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    answer(ask, true, serve(request));
                } catch (RuntimeException e) {
                    answer(ask, false, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            answer(ask, false, self + " is shutting down");
        }
    }

    private String serve(OperatorRequest request) {
        Function<OperatorRequest, String> h = handler;
        if (h == null) {
            throw new IllegalStateException("the failover engine is not running on " + self);
        }
        LOG.info("Operator request from {}: {} {}", request.origin(), request.operation(), request.arguments());
        return h.apply(request);
    }

    private void answer(ClusterMessage.OperatorAsk ask, boolean ok, String text) {
        outbox.send(Optional.of(ask.from()), new ClusterMessage.OperatorAnswer(self, view.get().id(), ask.requestId(),
                ok, text));
    }

    void onView(MembershipView v) {
        for (Pending p : pending.values()) {
            if (!v.members().contains(p.target())) {
                p.future().completeExceptionally(new IllegalStateException(p.target() + " left the cluster view "
                        + "before answering (view now " + v.members() + "); the request may or may not have been "
                        + "carried out: check ha:status and ha:history"));
            }
        }
    }

    void close() {
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(new IllegalStateException("execution channel closed"));
        }
        worker.shutdownNow();
    }
}
