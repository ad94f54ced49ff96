package org.duplex.api.admin;

import java.time.Instant;
import java.util.List;

/**
 * One snapshot in a job's repository.
 *
 * @param id    the short id ({@code restore} takes it)
 * @param time  when it was taken
 * @param host  the host that wrote it
 * @param slot  the schedule slot, {@code manual}, or {@code -}
 * @param paths what it holds
 */
public record BackupSnapshot(String id, Instant time, String host, String slot, List<String> paths) {

    public BackupSnapshot {
        paths = List.copyOf(paths);
    }
}
