package org.duplex.api.admin;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The backup plug-in's administrative side ({@code ha:backup-list}, {@code -status}, {@code -snapshots},
 * {@code -run}, {@code -restore}). Registered only while that optional plug-in is installed.
 *
 * @since 1.3
 */
@ProviderType
public interface BackupAdmin {

    /** Every backup job of the cluster configuration, and its state on this node. */
    List<BackupJobInfo> jobs();

    /**
     * The snapshots of a job in its repository, oldest first.
     *
     * @throws AdminException unknown job (NOT_FOUND, field {@code job}), or the repository refused (REFUSED)
     */
    List<BackupSnapshot> snapshots(String job) throws AdminException, InterruptedException;

    /**
     * A backup of the job now, on this node (tagged manual); returns when it ended.
     *
     * @throws AdminException unknown job (NOT_FOUND), or a job running already (REFUSED)
     */
    BackupRun run(String job) throws AdminException, InterruptedException;

    /**
     * Restores a snapshot (an id, or {@code latest}) of a job into an absolute directory of this node.
     *
     * @return what was done, in words
     * @throws AdminException unknown job or snapshot (NOT_FOUND, fields {@code job} / {@code snapshot}), a target
     *                        that is not absolute (INVALID, field {@code target}), or refused
     */
    String restore(String job, String snapshot, String target, Duration timeout)
            throws AdminException, InterruptedException;

    /**
     * Restores a database job's snapshot into its database server (dropped and created again), with
     * {@code overrides} replacing parameters of the database resource to restore into another server.
     *
     * @return what was done, in words
     * @throws AdminException as {@link #restore}
     */
    String restoreDatabase(String job, String snapshot, Map<String, String> overrides, Duration timeout)
            throws AdminException, InterruptedException;
}
