package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "resource-show", description = "Shows resources, their state on each node and failure counts")
@Service
public class ResourceShowCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = false, description = "resource name (default: all)")
    String name;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.resourceShow(Optional.ofNullable(name)));
    }
}
