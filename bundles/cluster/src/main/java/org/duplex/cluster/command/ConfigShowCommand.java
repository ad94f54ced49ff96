package org.duplex.cluster.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "config-show", description = "Prints the replicated cluster configuration (YAML)")
@Service
public class ConfigShowCommand implements Action {

    @Reference(optional = true) // so ha:status answers when the node failed to start (see CommandSupport)
    ClusterAdmin admin;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.print(admin, AdminOperations::show);
    }
}
