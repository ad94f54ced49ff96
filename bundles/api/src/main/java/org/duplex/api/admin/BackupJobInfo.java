package org.duplex.api.admin;

import java.time.Instant;
import java.util.List;

/**
 * A backup job (a resource of type backup) and its state on this node.
 *
 * @param name        the job (resource) name
 * @param activeHere  whether it is active on this node (its group runs here)
 * @param problem     why its parameters are unusable, empty when they are fine (then the other fields are empty)
 * @param schedule    its schedule, as configured
 * @param retention   its retention, in words
 * @param paths       what it backs up
 * @param repository  where to
 * @param running     the run in progress here, empty when none
 * @param lastSuccess the last success this node knows (any node), or null
 * @param lastRun     the last attempt here, in words, empty when none
 * @param stale       why it is stale, empty when fresh
 * @param status      the {@code ha:backup-status} line, empty when not active here
 */
public record BackupJobInfo(String name, boolean activeHere, String problem, String schedule, String retention,
                            List<String> paths, String repository, String running, Instant lastSuccess,
                            String lastRun, String stale, String status) {

    public BackupJobInfo {
        paths = List.copyOf(paths);
    }
}
