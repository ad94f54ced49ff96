package org.duplex.failover.command;


import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "cleanup", description = "Forgets a resource's failures (failure counts) and probes its failed or blocked copies")
@Service
public class CleanupCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "resource", required = true, description = "resource name")
    String resource;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.cleanup(resource));
    }
}
