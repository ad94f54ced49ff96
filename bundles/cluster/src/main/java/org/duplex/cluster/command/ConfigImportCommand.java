package org.duplex.cluster.command;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "config-import",
        description = "Validates FILE, shows the diff against the current configuration and applies it cluster-wide")
@Service
public class ConfigImportCommand implements Action {

    @Reference(optional = true) // so ha:status answers when the node failed to start (see CommandSupport)
    ClusterAdmin admin;

    @Argument(index = 0, name = "FILE", required = true, description = "a .json or .yaml cluster configuration")
    String file;

    @Option(name = "--dry-run", description = "validate and show the diff only")
    boolean dryRun;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.change(admin, "Import of " + file + " refused, nothing changed: ",
                ops -> ops.importFile(Path.of(file), dryRun));
    }
}
