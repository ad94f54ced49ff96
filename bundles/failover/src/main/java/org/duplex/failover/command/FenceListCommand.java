package org.duplex.failover.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "fence-list", description = "Lists the fencing devices, the nodes none covers and "
        + "failed fences waiting for their retry")
@Service
public class FenceListCommand implements Action {

    @Reference
    FailoverService service;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.fenceList());
    }
}
