package org.duplex.api.admin;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The backup plug-in's administrative side ({@code ha:backup-list}, {@code -status}, {@code -snapshots},
 * {@code -run}, {@code -restore}). Registered only while that optional plug-in is installed. A backup or a restore
 * can take hours, so {@link #run} and the restores check their input, start the work on this node and return at
 * once; {@link #jobs()} then shows it running and, later, its outcome.
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
     * @throws AdminException unknown job (NOT_FOUND, field {@code job}), or the repository cannot be read (REFUSED)
     */
    List<BackupSnapshot> snapshots(String job) throws AdminException, InterruptedException;

    /**
     * Starts a backup of the job now, on this node (tagged manual, it consumes no schedule slot).
     *
     * @return what was started, in words
     * @throws AdminException unknown job (NOT_FOUND, field {@code job}), unusable parameters (INVALID, field
     *                        {@code job}), or a backup or restore of it running already (REFUSED)
     */
    String run(String job) throws AdminException;

    /**
     * Starts restoring a snapshot (an id, or {@code latest}) of a path job into an absolute directory of this node
     * (the snapshot's absolute paths are recreated under it).
     *
     * @return what was started, in words
     * @throws AdminException unknown job or snapshot (NOT_FOUND, fields {@code job} / {@code snapshot}), a target
     *                        that is not absolute (INVALID, field {@code target}), a database job (INVALID, field
     *                        {@code target}), or a backup or restore of it running already (REFUSED)
     */
    String restore(String job, String snapshot, String target, Duration timeout)
            throws AdminException, InterruptedException;

    /**
     * Starts restoring a database job's snapshot into its database server (dropped and created again), with
     * {@code overrides} replacing parameters of the database resource to restore into another server.
     *
     * @return what was started, in words
     * @throws AdminException as {@link #restore}; a path job is INVALID (field {@code intoDatabase})
     */
    String restoreDatabase(String job, String snapshot, Map<String, String> overrides, Duration timeout)
            throws AdminException, InterruptedException;
}
