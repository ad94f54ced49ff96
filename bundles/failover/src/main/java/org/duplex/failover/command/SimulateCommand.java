package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "simulate", description = "What the engine would do now, or after a hypothetical node failure (nothing is done)")
@Service
public class SimulateCommand implements Action {

    @Reference
    FailoverService service;

    @Option(name = "--fail", description = "pretend this node died now")
    String fail;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.simulate(Optional.ofNullable(fail)));
    }
}
