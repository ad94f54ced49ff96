package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "history", description = "Timeline of failures, escalations and decisions with their reasons")
@Service
public class HistoryCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "group", required = false, description = "group or resource (default: all)")
    String group;

    @Option(name = "-n", description = "last N entries (default 50)")
    int last = 50;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.history(Optional.ofNullable(group), last));
    }
}
