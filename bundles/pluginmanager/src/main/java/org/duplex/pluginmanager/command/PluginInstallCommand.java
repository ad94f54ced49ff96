package org.duplex.pluginmanager.command;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.plugin.ClusterPlugins;

@Command(scope = "ha", name = "plugin-install", description = "Installs a plug-in feature on every node of the cluster and reports per node (it joins the replicated plug-in set: nodes that join or restart later install it too)")
@Service
public class PluginInstallCommand implements Action {

    @Reference
    ClusterPlugins plugins;

    @Reference
    ClusterService cluster;

    @Reference
    FeaturesService features;

    @Option(name = "--timeout", description = "seconds to wait for every node's report (default 60)")
    int timeoutSeconds = 60;

    @Argument(index = 0, name = "name", description = "the plug-in feature, e.g. duplex-plugin-ping", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        return PluginCommands.print(PluginCommands.operations(plugins, cluster, features)
                .install(name, PluginCommands.timeout(timeoutSeconds)));
    }
}
