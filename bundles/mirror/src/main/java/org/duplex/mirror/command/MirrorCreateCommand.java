package org.duplex.mirror.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.ConfigurationAdmin;

@Command(scope = "ha", name = "mirror-create", description = "Configures a mirror volume on this node (run it on both nodes)")
@Service
public class MirrorCreateCommand implements Action {

    @Reference
    ConfigurationAdmin admin;

    @Argument(index = 0, name = "volume", required = true, description = "volume and NBD export name")
    String volume;

    @Option(name = "--size", required = true, description = "size, e.g. 10G (the same on both nodes)")
    String size;

    @Option(name = "--backing", required = true, description = "backing file or block device")
    String backing;

    @Option(name = "--peer", description = "peer replication address host[:port]; omit for an unreplicated volume")
    String peer;

    @Option(name = "--local", description = "local replication address host[:port] (default 127.0.0.1:7789)")
    String local;

    @Option(name = "--nbd-port", description = "NBD export port (default 10809)")
    int nbdPort = 10809;

    @Option(name = "--split-brain-policy", description = "disconnect (default), discard-younger-primary, "
            + "discard-least-changes, discard-zero-changes")
    String policy = "disconnect";

    @Option(name = "--resync-rate", description = "resync limit in bytes/s, e.g. 100M (default unlimited)")
    String resyncRate = "0";

    @Option(name = "--skip-initial-sync", description = "both legs are new and empty: no full initial sync")
    boolean skipInitialSync;

    @Option(name = "--fence-local", description = "fencing path: this node's cluster-interface address host[:port] "
            + "(default: the replication address, port local.port + 1)")
    String fenceLocal;

    @Option(name = "--fence-peer", description = "fencing path: the peer's cluster-interface address host[:port] "
            + "(default: the peer's replication address, port peer.port + 1; on that shared path resource-only runs "
            + "as resource-and-stonith)")
    String fencePeer;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(() -> MirrorCommands.create(admin, volume, size, backing, local, peer, nbdPort,
                policy, resyncRate, skipInitialSync, fenceLocal, fencePeer));
    }
}
