/**
 * Status sections: bundles and plug-ins add their part to {@code ha:status} by registering a
 * {@link org.duplex.api.status.StatusSection} service.
 */
@Version("1.0.0")
@Export
package org.duplex.api.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
