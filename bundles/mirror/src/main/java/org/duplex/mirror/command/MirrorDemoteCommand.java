package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.mirror.component.MirrorRegistry;

@Command(scope = "ha", name = "mirror-demote", description = "Makes this node secondary for a volume: writes are refused at once")
@Service
public class MirrorDemoteCommand implements Action {

    @Reference
    MirrorRegistry registry;

    @Argument(index = 0, name = "volume", required = true, description = "mirror volume name")
    String volume;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(registry, c -> c.demote(volume));
    }
}
