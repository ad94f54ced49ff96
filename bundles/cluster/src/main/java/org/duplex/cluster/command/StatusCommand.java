package org.duplex.cluster.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "status",
        description = "Nodes with liveness per link and in the view, quorum votes, coordinator, epoch, config version")
@Service
public class StatusCommand implements Action {

    @Reference
    ClusterAdmin admin;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.print(admin, AdminOperations::status);
    }
}
