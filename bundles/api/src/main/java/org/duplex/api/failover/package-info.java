/**
 * Failover configuration shared between the failover engine and the bundles that store or serve it: group
 * policies (stickiness, failback, migration threshold, failure timeout, on-fail, colocation), cluster-wide
 * options, the configuration store the cluster's replicated configuration can implement, the volume lock
 * exclusive storage is taken with, and (since 1.2) the monitor bindings that make ResourceMonitors inputs of the
 * failover decision (a node-health binding with on-fail=reboot reboots its node), and (since 1.3) operator
 * requests forwarded to the coordinator over the execution channel.
 */
@Version("1.3.0")
@Export
package org.duplex.api.failover;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
