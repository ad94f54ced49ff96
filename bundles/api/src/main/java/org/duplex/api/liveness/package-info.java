/**
 * Peer liveness events published by the heartbeat links: link up/down per (peer, link) and
 * peer alive / suspect / dead. Listeners are OSGi services.
 * <p>1.1.0: {@link org.duplex.api.liveness.PeerReport}, {@link org.duplex.api.liveness.LivenessService#lastReport}
 * and {@link org.duplex.api.liveness.ResourceStateDigest} (additions only).
 */
@Version("1.1.0")
@Export
package org.duplex.api.liveness;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
