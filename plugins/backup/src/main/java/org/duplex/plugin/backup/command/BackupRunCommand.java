package org.duplex.plugin.backup.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.plugin.backup.BackupService;
import org.duplex.plugin.backup.job.RunRecord;

@Command(scope = "ha", name = "backup-run", description = "Runs a backup of JOB now on this node, with progress; tagged manual (does not consume a schedule slot)")
@Service
public class BackupRunCommand implements Action {

    @Reference
    BackupService service;

    @Argument(index = 0, name = "job", required = true, description = "the backup job (resource name)")
    String job;

    @Override
    public Object execute() throws Exception {
        long[] last = {0};
        RunRecord r = service.registry().job(job).runNow(p -> {
            long now = System.nanoTime();
            if (now - last[0] > 1_000_000_000L) {
                last[0] = now;
                System.out.println("  " + p.describe());
            }
        });
        if (!r.succeeded()) {
            throw new IllegalStateException("backup of " + job + " " + r.message());
        }
        System.out.println("backup of " + job + " done: " + r.message());
        return null;
    }
}
