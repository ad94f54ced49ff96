package org.duplex.plugin.backup.command;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.plugin.backup.BackupService;

@Command(scope = "ha", name = "backup-restore", description = "Restores SNAPSHOT (an id from ha:backup-snapshots, or latest) of JOB into --target PATH on this node")
@Service
public class BackupRestoreCommand implements Action {

    @Reference
    BackupService service;

    @Argument(index = 0, name = "job", required = true, description = "the backup job (resource name)")
    String job;

    @Argument(index = 1, name = "snapshot", required = true, description = "snapshot id or 'latest'")
    String snapshot;

    @Option(name = "--target", required = false, description = "an absolute directory to restore into (the snapshot's absolute paths are recreated under it)")
    String target;

    /** Karaf reads options before arguments only: "JOB SNAPSHOT --target PATH" arrives here as two arguments. */
    @Argument(index = 2, name = "--target PATH", multiValued = true, required = false,
            description = "the target, when written after the arguments")
    java.util.List<String> rest;

    @Option(name = "--timeout", description = "give up after this many seconds (default 3600)")
    long timeoutSeconds = 3600;

    @Override
    public Object execute() throws Exception {
        if (rest != null && !rest.isEmpty()) {
            if (rest.size() != 2 || !rest.get(0).equals("--target") || target != null) {
                throw new IllegalArgumentException("usage: ha:backup-restore JOB SNAPSHOT --target PATH (got "
                        + String.join(" ", rest) + ")");
            }
            target = rest.get(1);
        }
        if (target == null) {
            throw new IllegalArgumentException("--target PATH: required (an absolute directory to restore into)");
        }
        Path t = Path.of(target);
        if (!t.isAbsolute()) {
            throw new IllegalArgumentException("--target: '" + target + "' must be an absolute path");
        }
        service.registry().job(job).restore(snapshot, t, Duration.ofSeconds(timeoutSeconds));
        System.out.println("restored snapshot " + snapshot + " of " + job + " into " + t);
        return null;
    }
}
