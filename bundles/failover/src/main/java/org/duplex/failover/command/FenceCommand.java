package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "fence", description = "Runs a fencing device on a node now (default: off) and prints "
        + "each device's exit code and output; a confirmed off counts the node's resources as stopped")
@Service
public class FenceCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "node", required = true, description = "the node to fence")
    String node;

    @Option(name = "--action", description = "off (default), on or status")
    String action;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.fence(node, Optional.ofNullable(action)));
    }
}
