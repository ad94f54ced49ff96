package org.duplex.plugin.backup.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.plugin.backup.BackupService;
import org.duplex.plugin.backup.job.BackupJob;

@Command(scope = "ha", name = "backup-status", description = "Shows each backup job on this node: running, last success, last failure, staleness, next slot")
@Service
public class BackupStatusCommand implements Action {

    @Reference
    BackupService service;

    @Override
    public Object execute() {
        System.out.println("Backup jobs on " + service.registry().host() + ":");
        service.registry().all().forEach((name, job) -> System.out.printf("  %-20s %s%n", name,
                job.map(BackupJob::describe).orElse("not active on this node")));
        return null;
    }
}
