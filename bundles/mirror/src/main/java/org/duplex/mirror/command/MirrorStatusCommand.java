package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.mirror.component.MirrorRegistry;

@Command(scope = "ha", name = "mirror-status", description = "Shows role, connection, disk states, sync %, dirty bytes, resync speed and ETA of mirror volumes")
@Service
public class MirrorStatusCommand implements Action {

    @Reference
    MirrorRegistry registry;

    @Argument(index = 0, name = "volume", required = false, description = "mirror volume name")
    String volume;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(registry, c -> c.status(volume));
    }
}
