package org.duplex.failover.fence.sbd;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node ends itself after a poison pill: its resources are stopped at once (so a virtual IP or a mount does
 * not outlive the process, which a watchdog-less machine would otherwise leave behind), and the process ends when
 * the stop finished or the bound passed, whichever comes first. The end is {@code Runtime.halt} in production: no
 * shutdown hooks, no orderly stop that could wait on the network.
 */
public final class SelfEnd implements Consumer<String> {

    private static final Logger LOG = LoggerFactory.getLogger(SelfEnd.class);

    private final Runnable stopResources;
    private final Duration bound;
    private final Consumer<String> end;

    /**
     * @param stopResources stops this node's resources (may block; interrupted when the bound passes)
     * @param bound         the longest the stop may take before the process ends anyway
     * @param end           ends the process (Runtime.halt in production)
     */
    public SelfEnd(Runnable stopResources, Duration bound, Consumer<String> end) {
        this.stopResources = Objects.requireNonNull(stopResources, "stopResources");
        this.bound = Objects.requireNonNull(bound, "bound");
        this.end = Objects.requireNonNull(end, "end");
    }

    @Override
    public void accept(String why) {
        Thread stopper = new Thread(() -> {
            try {
                stopResources.run();
            } catch (RuntimeException e) {
                LOG.error("SBD: stopping the resources before the end failed: {}", e.toString());
            }
        }, "duplex-sbd-stop");
        stopper.setDaemon(true);
        Thread ender = new Thread(() -> {
            long t0 = System.nanoTime();
            stopper.start();
            try {
                stopper.join(Math.max(1, bound.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean done = !stopper.isAlive();
            if (!done) {
                stopper.interrupt();
            }
            LOG.error("SBD: ending this node now ({}; resources {} in {} ms)", why,
                    done ? "stopped" : "NOT all stopped within " + bound.toMillis() + " ms",
                    (System.nanoTime() - t0) / 1_000_000);
            end.accept(why);
        }, "duplex-sbd-end");
        ender.setDaemon(true);
        ender.start();
    }
}
