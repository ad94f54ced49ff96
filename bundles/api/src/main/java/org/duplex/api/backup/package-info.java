/**
 * Backups of what resources hold: a plug-in that runs a database registers a {@link BackupSource} for its
 * resource type, and backup jobs (the backup plug-in) stream the dump it describes into their repositories and
 * back. Neither plug-in knows the other's classes.
 */
@Version("1.0.0")
@Export
package org.duplex.api.backup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
