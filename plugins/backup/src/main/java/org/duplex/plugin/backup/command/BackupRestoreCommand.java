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

@Command(scope = "ha", name = "backup-restore", description = "Restores SNAPSHOT (an id from ha:backup-snapshots, or latest) of JOB into --target PATH on this node, or a database job's snapshot into its database server (--into-database, --set key=value for another server)")
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

    @Option(name = "--into-database", description = "a database job: restore into the job's database resource "
            + "(its server must run on this node; the database is dropped and created again)")
    boolean intoDatabase;

    @Option(name = "--set", multiValued = true, description = "with --into-database: key=value replacing a "
            + "parameter of the database resource, to restore into another server (port=5544, socket-dir=/run/x)")
    java.util.List<String> set;

    @Option(name = "--timeout", description = "give up after this many seconds (default 3600)")
    long timeoutSeconds = 3600;

    @Override
    public Object execute() throws Exception {
        if (intoDatabase) {
            if (target != null || (rest != null && !rest.isEmpty())) {
                throw new IllegalArgumentException("--into-database and --target: choose one");
            }
            java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
            for (String kv : set == null ? java.util.List.<String>of() : set) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set: '" + kv + "' is not key=value");
                }
                overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            System.out.println(service.registry().job(job).restoreDatabase(snapshot, overrides,
                    Duration.ofSeconds(timeoutSeconds)));
            return null;
        }
        if (set != null && !set.isEmpty()) {
            throw new IllegalArgumentException("--set: only with --into-database");
        }
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
