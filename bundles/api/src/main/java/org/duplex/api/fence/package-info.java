/**
 * Fencing agents that plug-ins provide: a device type ("vmware", a PDU, a cloud API) the failover bundle's fencing
 * devices can name in {@code type =} besides its own exec, ipmi and sbd. Since 1.0.
 */
@Version("1.0.0")
@Export
package org.duplex.api.fence;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
