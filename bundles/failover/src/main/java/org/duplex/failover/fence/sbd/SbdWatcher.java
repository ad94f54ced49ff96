package org.duplex.failover.fence.sbd;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.duplex.api.model.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the poison pill (SBD's watcher): at every loop it reads its own slot of the SBD area.
 * <ul>
 *   <li>A poison pill (off or reset) ends this node: its resources are stopped at once and the process ends within
 *       a bound ({@link SelfEnd}); with a hardware watchdog, petting stops too, so the machine is reset even if
 *       this process cannot end itself.</li>
 *   <li>A disk that cannot be read for longer than the watchdog timeout ends this node too, unless it is quorate
 *       (as SBD with Pacemaker integration: a quorate node is not cut off, so losing the disk alone is no reason to
 *       die; a node that lost both could be the one the others are fencing through this very disk).</li>
 *   <li>At start, a pill left in the slot was meant for the previous run of this node, which is gone: it is cleared
 *       and logged (SBD's start mode "always").</li>
 * </ul>
 * The watchdog is petted at every loop that found no reason to die. Time is injected: tests drive loops on a
 * virtual clock.
 */
public final class SbdWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(SbdWatcher.class);

    /** A hardware watchdog: petted while this node is healthy; none on machines without one. */
    public interface Watchdog {
        void pet();

        /** Orderly stop: disarm, so a planned shutdown does not reset the machine. */
        void disarm();

        Watchdog NONE = new Watchdog() {
            @Override
            public void pet() {
            }

            @Override
            public void disarm() {
            }
        };
    }

    private final NodeId self;
    private final SbdDisk disk;
    private final BooleanSupplier quorate;
    private final Consumer<String> selfFence;
    private final Watchdog watchdog;
    private final LongSupplier nanoClock;
    private long watchdogNanos;
    private long lastGoodReadAt;
    private String lastProblem;
    private boolean quorateWarned;
    private volatile String fencedFor;

    /**
     * @param selfFence ends this node (stop resources at once, then end the process within a bound); called at
     *                  most once, with the reason
     */
    public SbdWatcher(NodeId self, SbdDisk disk, BooleanSupplier quorate, Consumer<String> selfFence,
                      Watchdog watchdog, LongSupplier nanoClock) {
        this.self = Objects.requireNonNull(self, "self");
        this.disk = Objects.requireNonNull(disk, "disk");
        this.quorate = Objects.requireNonNull(quorate, "quorate");
        this.selfFence = Objects.requireNonNull(selfFence, "selfFence");
        this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Initialises the area if blank, checks that it agrees with this node's configuration and has a slot for it,
     * and clears a pill left for this node's previous run.
     *
     * @throws IOException the area is unusable (named): the caller logs it and keeps retrying in {@link #loop}
     */
    public synchronized void start(SbdDisk.Header configured) throws IOException {
        SbdDisk.Header h = disk.initialise(configured);
        if (!h.nodes().contains(self)) {
            throw new IOException(disk + " has no slot for this node " + self + " (slots " + h.nodes() + ")");
        }
        watchdogNanos = h.watchdogTimeout().toNanos();
        lastGoodReadAt = nanoClock.getAsLong();
        SbdDisk.Message m = disk.read(self);
        if (m.poison()) {
            LOG.warn("SBD: {} found a poison pill ({} from {}, sequence {}) left for its previous run in {};"
                    + " that run is gone, so it is cleared", self, m.type(), m.sender(), m.sequence(), disk);
            disk.write(self, SbdDisk.Message.NONE);
        }
        LOG.info("SBD: watching {}'s slot of {} (watchdog timeout {} ms, msgwait {} ms)", self, disk,
                h.watchdogTimeout().toMillis(), h.msgwait().toMillis());
    }

    /** Whether this node has been told (or decided) to end itself, and why; null while healthy. */
    public String fencedFor() {
        return fencedFor;
    }

    /** One watch loop: read the slot, decide, pet the watchdog. */
    public synchronized void loop() {
        if (fencedFor != null) {
            return; // ending: no more petting
        }
        long now = nanoClock.getAsLong();
        SbdDisk.Message m;
        try {
            m = disk.read(self);
        } catch (IOException | RuntimeException e) {
            String problem = e.getMessage();
            long silentMs = (now - lastGoodReadAt) / 1_000_000;
            if (now - lastGoodReadAt <= watchdogNanos) {
                if (!Objects.equals(problem, lastProblem)) {
                    LOG.warn("SBD: cannot read {}'s slot ({}); this node ends itself if that lasts {} ms without"
                            + " quorum", self, problem, watchdogNanos / 1_000_000);
                }
                lastProblem = problem;
                watchdog.pet();
                return;
            }
            if (quorate.getAsBoolean()) {
                if (!quorateWarned) {
                    LOG.warn("SBD: {} unreadable for {} ms ({}), but this node is quorate: it keeps running (no"
                            + " poison pill can reach it until the disk is back)", disk, silentMs, problem);
                    quorateWarned = true;
                }
                lastProblem = problem;
                watchdog.pet();
                return;
            }
            fence("lost the SBD disk " + disk.path() + " for " + silentMs + " ms (" + problem
                    + ") and has no quorum");
            return;
        }
        if (lastProblem != null) {
            LOG.info("SBD: {} readable again", disk);
            lastProblem = null;
            quorateWarned = false;
        }
        lastGoodReadAt = now;
        if (m.poison()) {
            fence("received a poison pill (" + m.type().name().toLowerCase(java.util.Locale.ROOT) + " from "
                    + (m.sender().isEmpty() ? "?" : m.sender()) + ", sequence " + m.sequence() + ") in its slot of "
                    + disk.path());
            return;
        }
        watchdog.pet();
    }

    /** Orderly stop (the bundle or Karaf stops): disarm the watchdog unless this node is ending itself. */
    public synchronized void stop() {
        if (fencedFor == null) {
            watchdog.disarm();
        }
    }

    private void fence(String why) {
        fencedFor = why;
        LOG.error("SBD: node {} {}: stopping its resources at once and ending itself", self, why);
        selfFence.accept(why);
    }

    /** Watch-loop interval for a watchdog timeout: SBD reads at least four times per timeout. */
    public static Duration loopFor(Duration watchdogTimeout) {
        return Duration.ofMillis(Math.max(50, watchdogTimeout.toMillis() / 4));
    }
}
