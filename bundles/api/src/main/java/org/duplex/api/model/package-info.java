/**
 * Model values shared by every Duplex bundle: nodes, resources, resource groups and their states.
 * All values are immutable records or enums.
 */
@Version("1.0.0")
@Export
package org.duplex.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
