package org.duplex.cluster.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "upgrade-status", description = "Duplex build and cluster protocol level of every"
        + " member, the level the configuration needs, and whether a node may go back to an older build")
@Service
public class UpgradeStatusCommand implements Action {

    @Reference(optional = true) // so the command answers when the node failed to start (see CommandSupport)
    ClusterAdmin admin;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.print(admin, AdminOperations::upgradeStatus);
    }
}
