/**
 * Administration of a node from outside the shell (the REST API of {@code bundles/web}): what the {@code ha:*}
 * commands read and do, as services and plain values. Implemented by the cluster bundle ({@link ClusterAdmin}),
 * the failover bundle ({@link FailoverAdmin}), the shell bundle ({@link AuditLog}), the monitor bundle
 * ({@link MonitorAdmin}), the plug-in manager ({@link PluginAdmin}) and the optional backup plug-in
 * ({@link BackupAdmin}); consumed by the web bundle,
 * which therefore depends on this package only.
 */
@Version("1.3.0")
@Export
package org.duplex.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
