package org.duplex.pluginmanager.command;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.plugin.ClusterPlugins;

@Command(scope = "ha", name = "plugin-list", description = "Lists the cluster's plug-in set, each node's plug-in "
        + "states, and the plug-ins this node could install")
@Service
public class PluginListCommand implements Action {

    @Reference
    ClusterPlugins plugins;

    @Reference
    ClusterService cluster;

    @Reference
    FeaturesService features;

    @Override
    public Object execute() {
        System.out.print(PluginCommands.operations(plugins, cluster, features).list());
        return null;
    }
}
