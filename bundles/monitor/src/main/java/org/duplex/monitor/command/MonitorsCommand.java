package org.duplex.monitor.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.monitor.registry.MonitorRegistryComponent;

@Command(scope = "ha", name = "monitors", description = "Lists the resource monitor types installed on this node")
@Service
public class MonitorsCommand implements Action {

    @Reference
    MonitorRegistryComponent registry;

    @Override
    public Object execute() {
        if (registry.types().isEmpty()) {
            System.out.println("No resource monitors installed (install a plug-in on every node, e.g. ha:plugin-install duplex-plugin-ping)");
        }
        registry.types().forEach(System.out::println);
        return null;
    }
}
