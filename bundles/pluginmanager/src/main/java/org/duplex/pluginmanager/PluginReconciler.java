package org.duplex.pluginmanager;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.api.plugin.PluginState;
import org.duplex.api.plugin.PluginState.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this node's plug-in features to the cluster's set, and says how it went. Plain Java: Karaf's features
 * service and the managed-set file come in as interfaces.
 *
 * <ul>
 *   <li>A plug-in the set names is installed if missing (an already installed one is adopted); one this node's
 *       repositories do not have is FAILED with that reason, never guessed at.</li>
 *   <li>A plug-in this node installed or adopted for the set and the set no longer names is uninstalled. A plug-in
 *       installed by hand and never in the set is left alone and reported as local.</li>
 *   <li>Only names starting with {@value PluginSet#PREFIX} are ever touched.</li>
 * </ul>
 */
public final class PluginReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(PluginReconciler.class);

    static final String LOCAL_ONLY = "installed on this node only (not in the cluster's set)";

    private final NodeId self;
    private final Features features;
    private final ManagedSet managed;
    private final Supplier<Instant> clock;

    public PluginReconciler(NodeId self, Features features, ManagedSet managed, Supplier<Instant> clock) {
        this.self = self;
        this.features = features;
        this.managed = managed;
        this.clock = clock;
    }

    /** One pass; never throws: every problem becomes a FAILED state with its reason. */
    public NodePlugins reconcile(PluginSet wanted) {
        Map<String, PluginState> states = new TreeMap<>();
        Set<String> mine = new TreeSet<>(managed.load());
        Set<String> available;
        Set<String> installed;
        try {
            available = features.availablePlugins();
            installed = new TreeSet<>(features.installedPlugins());
        } catch (Exception e) {
            for (String name : wanted.names()) {
                states.put(name, new PluginState(name, Status.FAILED, "cannot read this node's features: " + why(e)));
            }
            return new NodePlugins(self, wanted.version(), states, clock.get());
        }
        for (String name : wanted.names()) {
            if (!PluginSet.isPluginName(name)) {
                states.put(name, new PluginState(name, Status.FAILED, "not a plug-in feature name"));
            } else if (installed.contains(name)) {
                mine.add(name);
                states.put(name, new PluginState(name, Status.INSTALLED, ""));
            } else if (!available.contains(name)) {
                states.put(name, new PluginState(name, Status.FAILED,
                        "not in this node's feature repositories (is this node running the same Duplex version?)"));
            } else {
                try {
                    LOG.info("Installing plug-in {} (cluster plug-in set, configuration version {})", name,
                            wanted.version());
                    features.install(name);
                    mine.add(name);
                    installed.add(name);
                    states.put(name, new PluginState(name, Status.INSTALLED, ""));
                } catch (Exception e) {
                    LOG.warn("Installing plug-in {} failed: {}", name, why(e));
                    states.put(name, new PluginState(name, Status.FAILED, "install failed: " + why(e)));
                }
            }
        }
        for (String name : new TreeSet<>(mine)) {
            if (wanted.names().contains(name)) {
                continue;
            }
            if (!installed.contains(name)) {
                mine.remove(name);
                states.put(name, new PluginState(name, Status.ABSENT, ""));
                continue;
            }
            try {
                LOG.info("Removing plug-in {} (no longer in the cluster plug-in set, configuration version {})", name,
                        wanted.version());
                features.uninstall(name);
                mine.remove(name);
                installed.remove(name);
                states.put(name, new PluginState(name, Status.ABSENT, "removed"));
            } catch (Exception e) {
                LOG.warn("Removing plug-in {} failed: {}", name, why(e));
                states.put(name, new PluginState(name, Status.FAILED, "remove failed: " + why(e)));
            }
        }
        for (String name : installed) {
            states.putIfAbsent(name, new PluginState(name, Status.INSTALLED, LOCAL_ONLY));
        }
        try {
            managed.save(mine);
        } catch (java.io.IOException e) {
            LOG.warn("Cannot record the plug-ins this node manages ({}); a restart may not remove them", why(e));
        }
        return new NodePlugins(self, wanted.version(), states, clock.get());
    }

    /** True when a pass ended with something to retry. */
    public static boolean anyFailed(NodePlugins report) {
        return report.plugins().values().stream().anyMatch(s -> s.status() == Status.FAILED);
    }

    static String why(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
