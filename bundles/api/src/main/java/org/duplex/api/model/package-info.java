/**
 * Model values shared by every Duplex bundle: nodes, resources, resource groups and their states.
 * All values are immutable records or enums.
 * <p>2.0.0: {@code GroupState} removed (nothing used it: a group's state is its members' {@code ResourceState}s
 * on each node).
 */
@Version("2.1.0")
@Export
package org.duplex.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
