package org.duplex.plugin.backup.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.plugin.backup.BackupService;
import org.duplex.plugin.backup.restic.Snapshot;

@Command(scope = "ha", name = "backup-snapshots", description = "Lists the snapshots of JOB in its repository (oldest first), with the node and slot that wrote each")
@Service
public class BackupSnapshotsCommand implements Action {

    @Reference
    BackupService service;

    @Argument(index = 0, name = "job", required = true, description = "the backup job (resource name)")
    String job;

    @Override
    public Object execute() throws Exception {
        System.out.printf("%-10s %-22s %-16s %-22s %s%n", "ID", "TIME", "HOST", "SLOT", "PATHS");
        for (Snapshot s : service.registry().job(job).snapshots()) {
            System.out.printf("%-10s %-22s %-16s %-22s %s%n", s.shortId(), s.time().toString().substring(0, 19) + "Z",
                    s.hostname(), s.tag("slot").orElse(s.tags().contains("manual") ? "manual" : "-"), s.paths());
        }
        return null;
    }
}
