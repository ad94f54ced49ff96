package org.duplex.failover.command;


import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "resource-remove", description = "Removes a resource that no group lists")
@Service
public class ResourceRemoveCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = true, description = "resource name")
    String name;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.resourceRemove(name));
    }
}
