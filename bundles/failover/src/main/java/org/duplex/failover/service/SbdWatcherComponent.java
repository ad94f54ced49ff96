package org.duplex.failover.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.model.NodeId;
import org.duplex.failover.config.Tokens;
import org.duplex.failover.fence.sbd.SbdDisk;
import org.duplex.failover.fence.sbd.SbdWatcher;
import org.duplex.failover.fence.sbd.SelfEnd;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poison-pill watcher of this node ({@code etc/org.duplex.failover.sbd.cfg}; absent file: no watcher). Thin
 * wiring around {@link SbdWatcher}: a loop thread, the quorum from the cluster service, the stop of this node's
 * resources from the failover engine, {@code Runtime.halt} as the end, and a hardware watchdog device when one is
 * configured.
 */
@Component(configurationPid = SbdWatcherComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = SbdWatcherComponent.Config.class)
public class SbdWatcherComponent {

    public static final String PID = "org.duplex.failover.sbd";
    private static final Logger LOG = LoggerFactory.getLogger(SbdWatcherComponent.class);

    @ObjectClassDefinition(name = "Duplex SBD watcher", description = "Poison-pill self-fencing through a shared disk")
    public @interface Config {
        @AttributeDefinition(description = "This node's id (as in org.duplex.cluster.cfg)")
        String node_id();

        @AttributeDefinition(description = "The SBD area: a shared block device or a file on shared storage, the"
                + " same path as the sbd fencing device's")
        String device();

        @AttributeDefinition(description = "Every node with a slot, in the same order on every node (node1,node2)")
        String nodes();

        @AttributeDefinition(description = "Watchdog timeout: a node that cannot read its slot (and has no"
                + " quorum) that long ends itself; with a hardware watchdog, the reset after a freeze")
        String watchdog_timeout() default "5s";

        @AttributeDefinition(description = "How long a fencer waits after writing a pill (>= 2 x watchdog timeout)")
        String msgwait() default "10s";

        @AttributeDefinition(description = "A hardware watchdog device to pet (/dev/watchdog); empty: none")
        String watchdog_device() default "";

        @AttributeDefinition(description = "After a pill, how long stopping this node's resources may take before"
                + " the process ends anyway; empty: half the watchdog timeout")
        String stop_bound() default "";
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ClusterService cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FailoverService failover;

    private ScheduledExecutorService loop;
    private SbdWatcher watcher;

    @Activate
    void activate(Config config) {
        NodeId self;
        SbdDisk.Header header;
        Duration stopBound;
        List<String> problems = new ArrayList<>();
        try {
            self = NodeId.of(config.node_id().trim());
            List<NodeId> nodes = new ArrayList<>();
            for (String n : config.nodes().split(",")) {
                if (!n.isBlank()) {
                    nodes.add(NodeId.of(n.trim()));
                }
            }
            Duration wd = Tokens.duration(config.watchdog_timeout(), "watchdog.timeout");
            header = new SbdDisk.Header(nodes, wd, Tokens.duration(config.msgwait(), "msgwait"));
            stopBound = config.stop_bound().isBlank() ? wd.dividedBy(2)
                    : Tokens.duration(config.stop_bound(), "stop.bound");
            if (config.device().isBlank() || !Path.of(config.device().trim()).isAbsolute()) {
                problems.add("device must be the absolute path of the SBD area, was '" + config.device() + "'");
            }
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
            self = null;
            header = null;
            stopBound = null;
        }
        if (!problems.isEmpty()) {
            String msg = PID + ": " + String.join("; ", problems) + "; NO poison-pill watcher runs on this node";
            LOG.error(msg);
            throw new IllegalArgumentException(msg);
        }
        SbdWatcher.Watchdog wd = watchdog(config.watchdog_device().trim());
        SelfEnd end = new SelfEnd(() -> {
            FailoverService f = failover;
            if (f != null) {
                f.stopEverythingBeforeTheEnd("SBD poison pill");
            }
        }, stopBound, why -> Runtime.getRuntime().halt(1));
        SbdWatcher w = new SbdWatcher(self, new SbdDisk(Path.of(config.device().trim())), () -> {
            ClusterService c = cluster;
            return c != null && c.state().quorate();
        }, end, wd, System::nanoTime);
        watcher = w;
        SbdDisk.Header h = header;
        String name = "duplex-sbd-" + self;
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long periodMs = SbdWatcher.loopFor(header.watchdogTimeout()).toMillis();
        boolean[] started = {false};
        String[] lastError = {null}; // loop thread only: an unusable area is logged once, not four times a second
        loop.scheduleWithFixedDelay(() -> {
            String error;
            try {
                if (!started[0]) {
                    w.start(h);
                    started[0] = true;
                }
                w.loop();
                error = null;
            } catch (IOException e) {
                error = "SBD: " + e.getMessage() + " (retrying every " + periodMs + " ms; this node has NO poison-pill"
                        + " watcher until then)";
            } catch (RuntimeException e) {
                error = "SBD watcher loop failed: " + e;
            }
            if (error != null && !error.equals(lastError[0])) {
                LOG.error(error);
            } else if (error == null && lastError[0] != null) {
                LOG.info("SBD: the watcher runs again");
            }
            lastError[0] = error;
        }, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        if (loop != null) {
            loop.shutdownNow();
        }
        if (watcher != null) {
            watcher.stop();
        }
    }

    /** The hardware watchdog: any write pets it; writing 'V' before closing disarms it (the magic close). */
    private static SbdWatcher.Watchdog watchdog(String device) {
        if (device.isEmpty()) {
            LOG.warn("SBD: no hardware watchdog configured (watchdog.device): a frozen node cannot be reset by it;"
                    + " see the failover README for what the poison pill guarantees without one");
            return SbdWatcher.Watchdog.NONE;
        }
        OutputStream out;
        try {
            out = Files.newOutputStream(Path.of(device));
        } catch (IOException e) {
            LOG.error("SBD: cannot open the watchdog {} ({}); running WITHOUT a hardware watchdog", device,
                    e.toString());
            return SbdWatcher.Watchdog.NONE;
        }
        return new SbdWatcher.Watchdog() {
            @Override
            public void pet() {
                try {
                    out.write('1');
                    out.flush();
                } catch (IOException e) {
                    LOG.error("SBD: cannot pet the watchdog {}: {}", device, e.toString());
                }
            }

            @Override
            public void disarm() {
                try {
                    out.write('V');
                    out.close();
                } catch (IOException e) {
                    LOG.warn("SBD: cannot disarm the watchdog {}: {}", device, e.toString());
                }
            }
        };
    }
}
