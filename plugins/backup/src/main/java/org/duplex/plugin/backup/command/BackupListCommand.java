package org.duplex.plugin.backup.command;

import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.plugin.backup.BackupService;
import org.duplex.plugin.backup.job.BackupJob;

@Command(scope = "ha", name = "backup-list", description = "Lists the backup jobs (resources of type backup): what, where, when, and whether active here")
@Service
public class BackupListCommand implements Action {

    @Reference
    BackupService service;

    @Override
    public Object execute() {
        Map<String, Optional<BackupJob>> all = service.registry().all();
        System.out.printf("%-20s %-8s %-22s %-18s %s%n", "JOB", "HERE", "SCHEDULE", "RETENTION", "PATHS -> REPOSITORY");
        all.forEach((name, active) -> {
            try {
                BackupJob j = active.orElseGet(() -> service.registry().job(name));
                System.out.printf("%-20s %-8s %-22s %-18s %s -> %s%n", name, active.isPresent() ? "active" : "-",
                        j.spec().schedule().text(), j.spec().retention(), j.spec().paths(),
                        j.spec().repository().location());
            } catch (IllegalArgumentException e) {
                System.out.printf("%-20s %-8s BAD PARAMETERS: %s%n", name, active.isPresent() ? "active" : "-",
                        e.getMessage());
            }
        });
        if (all.isEmpty()) {
            System.out.println("(no backup jobs: add a resource of type backup to a group)");
        }
        return null;
    }
}
