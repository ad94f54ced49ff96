/**
 * Plug-ins as cluster configuration: the set of plug-in features the cluster wants on every node (replicated,
 * changed only with quorum) and what each node reports about them. The cluster bundle provides
 * {@link org.duplex.api.plugin.ClusterPlugins}; the plug-in manager consumes it and installs or removes the
 * features through Karaf.
 */
@Version("1.0.0")
@Export
package org.duplex.api.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
