/**
 * The contracts between the failover bundle and the bundles it works with: the execution channel the cluster
 * carries (the coordinator's {@link org.duplex.api.failover.ResourceCommand}s to other nodes' executors, their
 * {@link org.duplex.api.failover.ResourceReport}s, and {@link org.duplex.api.failover.OperatorRequest}s forwarded
 * to the coordinator), the {@link org.duplex.api.failover.VolumeLock} exclusive storage is taken with (the mirror
 * implements it), and {@link org.duplex.api.failover.DurationWords}, the duration format of resource and monitor
 * parameters that plug-ins parse too.
 * <p>
 * 2.0: the failover configuration model (FailoverConfig, GroupPolicy, Colocation, Failback, OnFail,
 * MonitorBinding, ClusterOptions, NoQuorumPolicy) and FailoverConfigStore left the API for the failover bundle,
 * the only one that interprets them; the cluster replicates that configuration as a document
 * ({@link org.duplex.api.cluster.ReplicatedDocuments}), and plug-ins read configured resources through
 * {@link org.duplex.api.admin.FailoverAdmin}.
 */
@Version("2.1.0")
@Export
package org.duplex.api.failover;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
