package org.duplex.plugin.backup;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The plug-in's node-local configuration (PID {@value BackupService#PID}, file etc/org.duplex.plugin.backup.cfg).
 * What a job backs up, where and when are the resource's parameters (replicated with the cluster configuration),
 * not here.
 */
@ObjectClassDefinition(name = "Duplex backup plug-in",
        description = "How this node runs restic for the backup jobs of groups active here")
public @interface BackupConfig {

    @AttributeDefinition(name = "restic", description = "The restic executable (Debian package restic)")
    String restic() default "restic";

    @AttributeDefinition(name = "Cache directory", description = "restic's local cache")
    String cache_dir() default "data/backup-cache";

    @AttributeDefinition(name = "Stop grace (s)", description = "After SIGINT, how long restic may take to "
            + "exit (it removes its lock) before it and its children are killed", min = "1")
    long stop_grace_seconds() default 10;

    @AttributeDefinition(name = "Retry (s)", description = "After a failed slot, retry this soon (never past the "
            + "next slot)", min = "1")
    long retry_seconds() default 300;

    @AttributeDefinition(name = "Host", description = "The host name written into snapshots; empty = this "
            + "machine's host name")
    String host() default "";

    @AttributeDefinition(name = "Node host names", description = "node=hostname,... : the OS host name each cluster "
            + "node's restic writes into its repository locks, where it differs from the node id. A lock of a node "
            + "the cluster sees DEAD (out of the view) is removed at once instead of after restic's 30 minutes")
    String node_hosts() default "";
}
