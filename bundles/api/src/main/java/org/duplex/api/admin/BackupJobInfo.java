package org.duplex.api.admin;

import java.time.Instant;
import java.util.List;

/**
 * A backup job (a resource of type backup) and its state on this node.
 *
 * @param name        the job (resource) name
 * @param activeHere  whether it is active on this node (its group runs here)
 * @param problem     why its parameters are unusable, empty when they are fine (then the settings are empty)
 * @param schedule    its schedule, as configured
 * @param retention   its retention, in words
 * @param paths       what it backs up (empty for a database job)
 * @param database    the database resource it dumps, empty for a path job
 * @param repository  where to
 * @param running     the backup in progress here, in words, empty when none
 * @param lastSuccess the last success this node knows of (on any node), or null
 * @param lastRun     the last backup attempt here, or null
 * @param stale       why it is stale, empty when fresh
 * @param status      the {@code ha:backup-status} line, empty when not active here
 * @param restoring   the restore in progress here, in words, empty when none
 * @param lastRestore the outcome of the last restore started here, empty when none
 */
public record BackupJobInfo(String name, boolean activeHere, String problem, String schedule, String retention,
                            List<String> paths, String database, String repository, String running,
                            Instant lastSuccess, BackupRun lastRun, String stale, String status, String restoring,
                            String lastRestore) {

    public BackupJobInfo {
        paths = List.copyOf(paths);
    }
}
