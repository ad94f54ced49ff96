package org.duplex.failover.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "monitor-add", description = "Binds a ResourceMonitor into failover: ha:monitor-add NAME TYPE on=resource|node target=RESOURCE|GROUP [interval=10s] [timeout=5s] [count=3] [key=value ...] (e.g. gw ping on=node target=web host=192.168.1.1)")
@Service
public class MonitorAddCommand implements Action {

    @Reference
    FailoverService service;

    @Argument(index = 0, name = "name", required = true, description = "binding name")
    String name;

    @Argument(index = 1, name = "type", required = true, description = "monitor type (ha:monitors lists them)")
    String type;

    @Argument(index = 2, name = "settings", multiValued = true, description = "on=resource|node target=X "
            + "[interval=..] [timeout=..] [count=..] and the monitor's key=value parameters")
    List<String> settings;

    @Option(name = "-f", aliases = "--force", description = "replace an existing binding")
    boolean force;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.monitorAdd(name, type, settings, force));
    }
}
