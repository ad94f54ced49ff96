package org.duplex.heartbeat.command;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.heartbeat.ds.HeartbeatRuntime;

@Command(scope = "ha", name = "links",
        description = "Heartbeat links per peer: state, last heard, latency, jitter, loss and rejected frames")
@Service
public class LinksCommand implements Action {

    @Reference(optional = true)
    HeartbeatRuntime runtime;

    @Override
    public Object execute() {
        if (runtime == null) {
            System.out.println("The heartbeat is not running: set node.id and cluster.name in"
                    + " etc/org.duplex.heartbeat.cfg (and create the key with ha:keygen).");
            return null;
        }
        System.out.print(LinkTable.render(runtime.settings().self().value(), runtime.peers(), runtime.stats(),
                runtime.links(), runtime.rejections(), Instant.now()));
        return null;
    }
}
