/**
 * Administration of this node's mirror volumes (shared-nothing replicated block devices, the {@code duplex-mirror}
 * feature) from outside the shell: what the {@code ha:mirror-*} commands read and do, as a service and plain values.
 * Implemented by the mirror bundle ({@link MirrorAdmin}); consumed by the web bundle, which depends on this package
 * only. The mirror is a feature of its own: a node without it registers no {@link MirrorAdmin}.
 */
@Version("1.0.0")
@Export
package org.duplex.api.mirror;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
