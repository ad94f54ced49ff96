package org.duplex.failover.command;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.failover.service.FailoverService;

@Command(scope = "ha", name = "switchover", description = "Planned move of a group: stop in order on its node, "
        + "start on the target, report the outage. The group keeps its node priority: the target is recorded as "
        + "an operator placement (shown by ha:group-show and ha:status) until ha:switchover --clear GROUP; "
        + "--reorder moves the target to the front of the node list instead")
@Service
public class SwitchoverCommand implements Action {

    @Reference
    FailoverService service;

    @Option(name = "--reorder", description = "rewrite the group's node list with the target first (no placement)")
    boolean reorder;

    @Option(name = "--clear", description = "remove the group's operator placement; moves nothing itself, the "
            + "engine then places the group by priority, stickiness and failback policy")
    boolean clear;

    @Argument(index = 0, name = "group", required = true, description = "group name")
    String group;

    @Argument(index = 1, name = "node", required = false, description = "target node (default: next eligible in its list)")
    String node;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(service, c -> c.switchover(group, Optional.ofNullable(node), reorder, clear));
    }
}
