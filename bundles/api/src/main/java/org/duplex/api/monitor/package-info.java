/**
 * Resource monitors: read-only health checks that report a status with a reason.
 * Plug-ins register them as OSGi services keyed by their type.
 */
@Version("1.0.0")
@Export
package org.duplex.api.monitor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
