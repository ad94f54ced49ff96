/**
 * Resource agents: the operations (start, stop, monitor, validate) that act on a resource type;
 * {@link org.duplex.api.agent.PromotableAgent} adds the primary/standby roles of a replicated resource.
 * Agents are OSGi services; every operation takes an explicit timeout.
 */
@Version("1.2.0")
@Export
package org.duplex.api.agent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
