package org.duplex.cluster.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.api.model.NodeMode;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "node-maintenance",
        description = "Sets NODE to MAINTENANCE: its resources are left alone, neither monitored nor moved (ha:node-online ends it)")
@Service
public class NodeMaintenanceCommand implements Action {

    @Reference(optional = true) // so ha:status answers when the node failed to start (see CommandSupport)
    ClusterAdmin admin;

    @Argument(index = 0, name = "NODE", required = true, description = "node id")
    String node;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.change(admin, "Refused, nothing changed: ", ops -> ops.setMode(node, NodeMode.MAINTENANCE));
    }
}
