package org.duplex.cluster.command;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.ClusterAdmin;

@Command(scope = "ha", name = "config-export", description = "Writes the cluster configuration to FILE (.json or .yaml)")
@Service
public class ConfigExportCommand implements Action {

    @Reference(optional = true) // so ha:status answers when the node failed to start (see CommandSupport)
    ClusterAdmin admin;

    @Argument(index = 0, name = "FILE", required = true, description = "target file; .json for JSON, else YAML")
    String file;

    @Override
    public Object execute() throws Exception {
        return CommandSupport.println(admin, ops -> ops.export(Path.of(file)));
    }
}
