package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "monitor-show", description = "Shows monitor bindings, whether their type is installed and the latest result on each node")
@Service
public class MonitorShowCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = false, description = "binding name (default: all)")
    String name;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.monitorShow(Optional.ofNullable(name)));
    }
}
