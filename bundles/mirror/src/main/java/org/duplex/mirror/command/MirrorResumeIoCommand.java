package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.mirror.component.MirrorRegistry;

@Command(scope = "ha", name = "mirror-resume-io", description = "Resumes writes a primary suspended because its "
        + "peer could not be outdated (only when the peer node is known to be powered off)")
@Service
public class MirrorResumeIoCommand implements Action {

    @Reference
    MirrorRegistry registry;

    @Argument(index = 0, name = "volume", required = true, description = "mirror volume name")
    String volume;

    @Option(name = "--force", description = "required: confirms the peer node is down, so it cannot be promoted "
            + "with data older than the writes acknowledged from now on")
    boolean force;

    @Override
    public Object execute() throws Exception {
        if (!force) {
            throw new IllegalArgumentException(volume + ": resuming writes without an Outdated peer risks losing them if "
                    + "the peer is promoted later; power the peer node off first, then repeat with --force");
        }
        return CommandSupport.println(registry, c -> c.resumeIo(volume));
    }
}
