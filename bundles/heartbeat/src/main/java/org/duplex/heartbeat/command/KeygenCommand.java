package org.duplex.heartbeat.command;

import java.nio.file.Path;
import java.security.SecureRandom;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.heartbeat.ds.HeartbeatRuntime;

@Command(scope = "ha", name = "keygen",
        description = "Writes a new random 32-byte cluster key file (mode 0600) for authenticating heartbeats")
@Service
public class KeygenCommand implements Action {

    @Reference(optional = true)
    HeartbeatRuntime runtime;

    @Argument(index = 0, name = "file", required = false,
            description = "Key file (default: the configured key.file, else ${karaf.etc}/duplex-cluster.key)")
    String file;

    @Option(name = "--force", description = "Replace an existing key (every node then needs the new one)")
    boolean force;

    @Override
    public Object execute() throws Exception {
        Path target = file != null ? Path.of(file)
                : runtime != null ? runtime.settings().keyFile()
                        : Path.of(System.getProperty("karaf.etc", "etc"), "duplex-cluster.key");
        org.duplex.heartbeat.frame.ClusterKey.generate(target, force, new SecureRandom());
        System.out.println("Wrote a new 32-byte cluster key to " + target.toAbsolutePath() + " (mode 0600).");
        System.out.println("Copy it to the same path on every node (scp -p keeps the mode) and keep it secret;");
        System.out.println("links without a readable key do not start, and frames signed with another key are"
                + " rejected.");
        return null;
    }
}
