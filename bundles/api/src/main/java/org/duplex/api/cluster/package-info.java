/**
 * The cluster as one node sees it: quorum, coordinator and the fencing epoch that guards every
 * exclusive ownership (volume lock, mirror promotion, resource actions).
 */
@Version("1.3.0")
@Export
package org.duplex.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
