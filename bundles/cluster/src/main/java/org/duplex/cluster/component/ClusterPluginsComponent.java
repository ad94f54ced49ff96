package org.duplex.cluster.component;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Thin DS wiring: the running node's {@link org.duplex.cluster.plugin.ReplicatedPlugins} as the ClusterPlugins
 * service. A component of its own, bound to the cluster component through its bundle-internal ClusterAdmin
 * service: registering it by hand from the cluster component's activate made SCR activate the plug-in manager
 * (which also needs ClusterService) inside that activation, a service-factory cycle that restarted the cluster node.
 */
@Component(service = ClusterPlugins.class)
public class ClusterPluginsComponent implements ClusterPlugins {

    @Reference
    ClusterAdmin admin;

    @Override
    public PluginSet wanted() {
        return admin.plugins().wanted();
    }

    @Override
    public PluginSet save(PluginSet expected, Set<String> names) throws IOException {
        return admin.plugins().save(expected, names);
    }

    @Override
    public AutoCloseable addListener(Consumer<PluginSet> listener) {
        return admin.plugins().addListener(listener);
    }

    @Override
    public void publish(NodePlugins report) {
        admin.plugins().publish(report);
    }

    @Override
    public Map<NodeId, NodePlugins> reports() {
        return admin.plugins().reports();
    }
}
