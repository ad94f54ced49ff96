/**
 * The cluster as one node sees it: quorum, coordinator and the fencing epoch that guards every
 * exclusive ownership (volume lock, mirror promotion, resource actions); since 1.4 the documents it replicates
 * for other bundles without interpreting them ({@link org.duplex.api.cluster.ReplicatedDocuments}); since 1.5 the
 * owners' checks of those documents ({@link org.duplex.api.cluster.DocumentValidator}).
 */
@Version("1.5.0")
@Export
package org.duplex.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
