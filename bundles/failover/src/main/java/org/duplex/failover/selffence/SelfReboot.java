package org.duplex.failover.selffence;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.executor.MonitorStatus;
import org.duplex.failover.executor.NodeHealthHook;
import org.duplex.failover.history.History;
import org.duplex.failover.model.MonitorBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code on=node on-fail=reboot}: a node whose own node-health check has FAILED ({@code count} failed checks in a
 * row) reboots itself (the seed's "restart the server" on a local fault), but only
 * <ol>
 *   <li>once <b>nothing runs here</b> any more: the coordinator sees the node ineligible for every group it is
 *       listed in and moves them off it (stop here, then start elsewhere), or stops them when no other node is
 *       eligible; a BLOCKED (unconfirmed) stop, a FAILED or UNKNOWN resource or an operation in flight keeps the
 *       node up (an unconfirmed stop is escalated as any other: fenced by the coordinator's device);</li>
 *   <li>while this node is in a <b>quorate</b> partition (without quorum it cannot know that its groups were
 *       recovered elsewhere, nor that the coordinator ever saw its failure);</li>
 *   <li>when the latest verdict is FAILED: UNKNOWN ("could not tell"), a missing monitor type or fewer than
 *       {@code count} failures never reboot;</li>
 *   <li>when the {@link RebootGuard} allows it (at most {@code reboot.max} per {@code reboot.window}, counted in
 *       a file that survives the reboot). Refused, the node stays up and ineligible and says so: ERROR in the
 *       log, {@code ha:history}, and in the binding's result ({@code ha:monitor-show}, {@code ha:status}).</li>
 * </ol>
 * The reboot is recorded (guard file forced to disk, history, log) before the action runs, and runs at most once
 * per failure (a new attempt only after a check passed and the binding failed again).
 *
 * <p>Driven by the executor ({@link NodeHealthHook#changed} after each check and operation) and by every decision
 * round; plain Java, the clock injected.
 */
public final class SelfReboot implements NodeHealthHook {

    private static final Logger LOG = LoggerFactory.getLogger(SelfReboot.class);

    /** What this node knows of itself: the executor. */
    public interface Node {
        /** The bound monitors running here and their latest results. */
        Map<ResourceId, MonitorStatus> statuses();

        /** What may still run here; empty when nothing does. */
        Optional<String> stillHere();
    }

    private final NodeId local;
    private final Node node;
    private final Supplier<QuorumState> quorum;
    private final RebootGuard guard;
    private final RebootAction action;
    private final java.util.concurrent.Executor runner;
    private final History history;
    private final Clock clock;

    /** The reboot was recorded and handed to the action; nothing more until the binding passes again. */
    private boolean rebooting;
    /** What was last put in the history / log (a kind of state and its cause), so it is said once per change. */
    private String said;
    private volatile String state = "";

    /**
     * @param runner where the reboot action runs (it may block for its timeout): a worker pool in production
     */
    public SelfReboot(NodeId local, Node node, Supplier<QuorumState> quorum, RebootGuard guard, RebootAction action,
                      java.util.concurrent.Executor runner, History history, Clock clock) {
        this.local = local;
        this.node = node;
        this.quorum = quorum;
        this.guard = guard;
        this.action = action;
        this.runner = runner;
        this.history = history;
        this.clock = clock;
    }

    /** The self-reboot's state in one line (empty while no on-fail=reboot binding has failed here). */
    public String state() {
        return state;
    }

    @Override
    public Optional<String> note(MonitorBinding binding) {
        if (!binding.reboots()) {
            return Optional.empty();
        }
        synchronized (this) {
            if (rebooting) {
                return Optional.of("on-fail=reboot: " + local + " is rebooting");
            }
        }
        Optional<String> refused = guard.refusal(clock.instant());
        return Optional.of(refused.map(r -> "on-fail=reboot: self-reboot REFUSED (" + r + "); " + local
                + " stays up and not eligible for any group until a check passes")
                .orElse("on-fail=reboot: " + local + " is not eligible for any group and reboots itself once "
                        + "nothing runs here"));
    }

    @Override
    public Optional<String> afterReboot(MonitorBinding binding) {
        if (!binding.reboots()) {
            return Optional.empty();
        }
        List<Instant> recent;
        try {
            recent = guard.recent(clock.instant());
        } catch (IOException | RuntimeException e) {
            return Optional.of("on-fail=reboot: the reboot-loop guard file " + guard.file() + " cannot be read ("
                    + e + "); " + local + " is not eligible for any group until a check passes");
        }
        if (recent.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("on-fail=reboot: " + local + " rebooted itself at " + recent.get(recent.size() - 1)
                + " and is not eligible for any group until a check passes");
    }

    @Override
    public void changed() {
        poll();
    }

    /** Decides whether to reboot now; cheap when nothing failed. */
    public synchronized void poll() {
        List<MonitorStatus> failed;
        try {
            failed = node.statuses().values().stream().filter(s -> s.binding().reboots())
                    .filter(s -> s.state() == MonitorStatus.State.FAILED).toList();
        } catch (RuntimeException e) {
            LOG.warn("self-reboot: monitor results unreadable: {}", e.toString());
            return;
        }
        if (failed.isEmpty()) {
            if (rebooting || !state.isEmpty()) {
                say(null, false, "");
            }
            rebooting = false;
            said = null;
            return;
        }
        if (rebooting) {
            return;
        }
        MonitorStatus first = failed.get(0);
        String why = first.describe();
        String key = first.binding().id().value();
        QuorumState q;
        try {
            q = quorum.get();
        } catch (RuntimeException e) {
            q = null;
        }
        if (q == null || !q.quorate()) {
            say("quorum " + key, false, local + " does not reboot itself: no quorum ("
                    + (q == null ? "no cluster state" : q.reason()) + "); it cannot know that its groups were "
                    + "recovered elsewhere. Waiting for quorum; cause: " + why);
            return;
        }
        Optional<String> still;
        try {
            still = node.stillHere();
        } catch (RuntimeException e) {
            still = Optional.of("unknown (" + e + ")");
        }
        if (still.isPresent()) {
            say("busy " + key, false, local + " reboots itself once nothing runs here; still here: "
                    + still.get() + "; cause: " + why);
            return;
        }
        Instant now = clock.instant();
        Optional<String> refused = guard.refusal(now);
        if (refused.isPresent()) {
            say("refused " + key, true, "self-reboot of " + local + " REFUSED: " + refused.get() + ". " + local
                    + " stays up and not eligible for any group until a check passes; look at it. Cause: " + why);
            return;
        }
        String reason = "self-reboot of " + local + " (on-fail=reboot): " + why;
        try {
            guard.record(now, why);
        } catch (IOException | RuntimeException e) {
            say("unrecorded " + key, true, "self-reboot of " + local + " REFUSED: the reboot could not be "
                    + "recorded in " + guard.file() + " (" + e + "), and an unrecorded reboot could loop. " + local
                    + " stays up and not eligible; cause: " + why);
            return;
        }
        rebooting = true;
        int n;
        try {
            n = guard.recent(now).size();
        } catch (IOException e) {
            n = -1;
        }
        say("rebooting " + key, true, "rebooting " + local + " now (" + n + " of at most " + guard.max()
                + " self-reboots within " + RebootGuard.words(guard.window()) + ", recorded in " + guard.file()
                + "): nothing runs here any more; cause: " + why);
        runner.execute(() -> {
            RebootAction.Outcome o;
            try {
                o = action.reboot(reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                o = new RebootAction.Outcome(false, "interrupted");
            } catch (RuntimeException e) {
                o = new RebootAction.Outcome(false, "threw " + e);
            }
            if (o.ok()) {
                LOG.warn("self-reboot of {}: {}", local, o.detail());
                history.add(entry("self-reboot of " + local + " accepted: " + o.detail()));
            } else {
                String text = "self-reboot of " + local + " FAILED: " + o.detail() + "; it stays up and not "
                        + "eligible for any group (no new attempt until a check passes and fails again)";
                LOG.error(text);
                history.add(entry(text));
                state = text;
            }
        });
    }

    private void say(String key, boolean error, String text) {
        state = text;
        if (text.isEmpty()) {
            if (said != null) {
                String back = "no on-fail=reboot check has failed on " + local + " any more (passed, or could not "
                        + "tell): no self-reboot pending";
                LOG.info(back);
                history.add(entry(back));
            }
            return;
        }
        if (key.equals(said)) {
            return;
        }
        said = key;
        if (error) {
            LOG.error(text);
        } else {
            LOG.warn(text);
        }
        history.add(entry(text));
    }

    private History.Entry entry(String text) {
        return new History.Entry(clock.instant(), local, Optional.empty(), Optional.empty(), History.Kind.FENCE, text);
    }
}
