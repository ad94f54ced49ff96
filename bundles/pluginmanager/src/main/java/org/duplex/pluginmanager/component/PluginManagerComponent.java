package org.duplex.pluginmanager.component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.pluginmanager.ManagedSet;
import org.duplex.pluginmanager.PluginReconciler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS wiring: once Karaf's boot features are in, and at every new configuration version, one {@link PluginReconciler} pass on a thread
 * of its own (feature installs take seconds; never on the cluster's tick thread), its report published to the
 * cluster; while a plug-in is FAILED, a retry every {@value #RETRY_SECONDS} s.
 */
@Component(immediate = true, service = {})
public class PluginManagerComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManagerComponent.class);

    static final long RETRY_SECONDS = 30;

    @Reference
    ClusterPlugins plugins;

    @Reference
    ClusterService cluster;

    @Reference
    FeaturesService featuresService;

    private volatile ScheduledExecutorService worker;
    /**
     * Karaf registers {@link BootFinished} once its boot features are installed. Before it, a pass ran while the boot
     * install was under way: the plug-in features were not listed yet (reported FAILED, "not in this node's feature
     * repositories", until the next retry) and an install would have queued behind the boot install. Optional and
     * dynamic so that bnd does not turn it into a requirement Karaf's resolver cannot meet (the service is registered
     * by code, with no capability declared).
     */
    private volatile boolean booted;

    private PluginReconciler reconciler;
    private AutoCloseable listener;
    private final AtomicBoolean queued = new AtomicBoolean();
    private ScheduledFuture<?> retry;

    @Activate
    void activate() {
        Path managed = Path.of(System.getProperty("karaf.data", "data"), "duplex", "plugins", "managed");
        reconciler = new PluginReconciler(cluster.state().localNode(), new KarafFeatures(featuresService),
                ManagedSet.file(managed), Instant::now);
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-plugin-manager");
            t.setDaemon(true);
            return t;
        });
        listener = plugins.addListener(set -> schedule());
        schedule();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBootFinished(BootFinished boot) {
        booted = true;
        schedule();
    }

    void unbindBootFinished(BootFinished boot) {
        // stays booted: Karaf withdraws it only when the features service itself goes
    }

    private void schedule() {
        ScheduledExecutorService worker = this.worker;
        if (!booted || worker == null || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.set(false); // deactivating
        }
    }

    private void pass() {
        queued.set(false);
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        try {
            NodePlugins report = reconciler.reconcile(plugins.wanted());
            plugins.publish(report);
            if (PluginReconciler.anyFailed(report)) {
                retry = worker.schedule(this::schedule, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            LOG.warn("Plug-in reconcile failed", e);
            retry = worker.schedule(this::schedule, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        if (listener != null) {
            listener.close();
        }
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
