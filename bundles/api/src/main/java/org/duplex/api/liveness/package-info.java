/**
 * Peer liveness events published by the heartbeat links: link up/down per (peer, link) and
 * peer alive / suspect / dead. Listeners are OSGi services.
 */
@Version("1.0.0")
@Export
package org.duplex.api.liveness;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
