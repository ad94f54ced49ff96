package org.duplex.failover.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "group-add", description = "Adds or replaces a group: ha:group-add NAME resources=a,b nodes=n1,n2 [stickiness=N failback=automatic|manual|window:22:00-06:00 migration-threshold=N failure-timeout=10m on-fail=restart|move|stop|fence|block priority=N with=G apart=G prefer-apart=G managed=true|false]")
@Service
public class GroupAddCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = true, description = "group name")
    String name;

    @Argument(index = 1, name = "settings", multiValued = true, description = "key=value settings")
    List<String> settings;

    @Option(name = "-f", aliases = "--force", description = "replace an existing group")
    boolean force;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.groupAdd(name, settings, force));
    }
}
