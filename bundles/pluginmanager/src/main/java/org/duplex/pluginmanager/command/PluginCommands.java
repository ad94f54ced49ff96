package org.duplex.pluginmanager.command;

import java.time.Duration;

import org.apache.karaf.features.FeaturesService;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.pluginmanager.PluginOperations;
import org.duplex.pluginmanager.component.KarafFeatures;

/** Shared by the ha:plugin-* commands. */
final class PluginCommands {

    private PluginCommands() {
    }

    static PluginOperations operations(ClusterPlugins plugins, ClusterService cluster, FeaturesService features) {
        return new PluginOperations(plugins, cluster, new KarafFeatures(features), System::nanoTime, Thread::sleep);
    }

    /** Prints the per-node table; a node that did not do it makes the command fail (non-zero exit in scripts). */
    static Object print(PluginOperations.Result r) throws PluginOperations.PluginException {
        System.out.print(r.text());
        System.out.flush();
        if (!r.allOk()) {
            throw new PluginOperations.PluginException(r.summary());
        }
        return null;
    }

    static Duration timeout(int seconds) {
        return Duration.ofSeconds(Math.max(1, seconds));
    }
}
