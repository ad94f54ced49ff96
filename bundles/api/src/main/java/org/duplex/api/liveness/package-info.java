/**
 * Peer liveness events published by the heartbeat links: link up/down per (peer, link) and
 * peer alive / suspect / dead. Listeners are OSGi services.
 * <p>1.1.0: {@link org.duplex.api.liveness.PeerReport}, {@link org.duplex.api.liveness.LivenessService#lastReport}
 * and {@code ResourceStateDigest} (additions only).
 * <p>2.0.0: the resource-state digest removed: {@code ResourceStateDigest} and {@code PeerReport.resourceDigest}
 * (nothing read it; the coordinator learns resource states from the executors' reports).
 */
@Version("2.0.0")
@Export
package org.duplex.api.liveness;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
