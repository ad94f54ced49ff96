package org.duplex.pluginmanager.component;

import java.time.Duration;

import org.apache.karaf.features.FeaturesService;
import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.PluginAdmin;
import org.duplex.api.admin.PluginChange;
import org.duplex.api.admin.PluginOverview;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.pluginmanager.PluginAdminView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Thin DS wiring: the API's {@link PluginAdmin} (the REST API's plug-ins) over the same
 * {@link org.duplex.pluginmanager.PluginOperations} the ha:plugin-* commands use.
 */
@Component(service = PluginAdmin.class)
public class PluginAdminComponent implements PluginAdmin {

    private final PluginAdminView view;

    @Activate
    public PluginAdminComponent(@Reference ClusterPlugins plugins, @Reference ClusterService cluster,
                                @Reference FeaturesService features) {
        this.view = new PluginAdminView(new org.duplex.pluginmanager.PluginOperations(plugins, cluster,
                new KarafFeatures(features), System::nanoTime, Thread::sleep));
    }

    @Override
    public PluginOverview plugins() {
        return view.plugins();
    }

    @Override
    public PluginChange install(String name, Duration timeout) throws AdminException, InterruptedException {
        return view.install(name, timeout);
    }

    @Override
    public PluginChange remove(String name, Duration timeout) throws AdminException, InterruptedException {
        return view.remove(name, timeout);
    }
}
