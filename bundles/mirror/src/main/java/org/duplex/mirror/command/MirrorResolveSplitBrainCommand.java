package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.mirror.component.MirrorRegistry;

@Command(scope = "ha", name = "mirror-resolve-split-brain", description = "Resolves a split brain: run with --discard-local on the victim, without on the survivor")
@Service
public class MirrorResolveSplitBrainCommand implements Action {

    @Reference
    MirrorRegistry registry;

    @Argument(index = 0, name = "volume", required = true, description = "mirror volume name")
    String volume;

    @Option(name = "--discard-local", description = "this node is the victim: its changes since the split are discarded")
    boolean discardLocal;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(registry, c -> c.resolveSplitBrain(volume, discardLocal));
    }
}
