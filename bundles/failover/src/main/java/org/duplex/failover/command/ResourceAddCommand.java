package org.duplex.failover.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "resource-add", description = "Adds or replaces a resource: ha:resource-add NAME TYPE [key=value ...] (e.g. vip ip=192.168.1.10 interface=eth0 monitor-interval=2s)")
@Service
public class ResourceAddCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = true, description = "resource name")
    String name;

    @Argument(index = 1, name = "type", required = true, description = "agent type: vip, process, filesystem, samba...")
    String type;

    @Argument(index = 2, name = "params", multiValued = true, description = "key=value parameters")
    List<String> params;

    @Option(name = "-f", aliases = "--force", description = "replace an existing resource")
    boolean force;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.resourceAdd(name, type, params, force));
    }
}
