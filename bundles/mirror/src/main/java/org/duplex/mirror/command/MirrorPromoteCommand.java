package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.mirror.component.MirrorRegistry;

@Command(scope = "ha", name = "mirror-promote", description = "Makes this node primary for a volume (needs quorum and the current fencing epoch)")
@Service
public class MirrorPromoteCommand implements Action {

    @Reference
    MirrorRegistry registry;

    @Argument(index = 0, name = "volume", required = true, description = "mirror volume name")
    String volume;

    @Option(name = "--epoch", description = "fencing epoch to promote with (default: the cluster's current one)")
    Long epoch;

    @Option(name = "--force", description = "also promote a leg marked Outdated by its primary: the writes that "
            + "primary acknowledged after the replication link was lost are LOST (logged)")
    boolean force;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(registry, c -> c.promote(volume, epoch, force));
    }
}
