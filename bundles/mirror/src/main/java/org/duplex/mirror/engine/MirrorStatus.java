package org.duplex.mirror.engine;

import org.duplex.mirror.leg.Role;
import java.time.Duration;
import java.util.Optional;
import org.duplex.mirror.gi.DiskState;

/**
 * A snapshot for ha:mirror-status and the resource agent's monitor.
 *
 * @param syncPercent      share of the volume known identical on both legs (100 when in sync)
 * @param dirtyBytes       bytes this leg must still send or receive
 * @param resyncBytesPerSec measured resync speed (0 when not resyncing)
 * @param eta              estimated time to the end of the resync
 * @param lastVerify       result of the last online verify, if any
 * @param alert            the last problem needing an operator (split brain, unrelated data), if any
 */
public record MirrorStatus(String name, Role role, boolean writable, Optional<Role> peerRole,
                           ConnectionState connection, DiskState localDisk, DiskState peerDisk, double syncPercent,
                           long dirtyBytes, long resyncBytesPerSec, Optional<Duration> eta, long resyncBytesSent,
                           String generationIds, Optional<String> lastVerify, Optional<String> alert) {

    /** Healthy primary: writable, and its data is up to date. */
    public boolean healthyPrimary() {
        return role == Role.PRIMARY && writable && localDisk == DiskState.UP_TO_DATE;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: role=%s%s peer=%s connection=%s disk=%s/%s%n", name, role,
                role == Role.PRIMARY && !writable ? "(writes refused)" : "",
                peerRole.map(Enum::name).orElse("unknown"), connection, localDisk, peerDisk));
        b.append(String.format("  sync=%.1f%% dirty=%d bytes", syncPercent, dirtyBytes));
        if (resyncBytesPerSec > 0) {
            b.append(String.format(" speed=%.1f MiB/s", resyncBytesPerSec / 1048576.0));
        }
        eta.ifPresent(d -> b.append(" eta=").append(d.toSeconds()).append("s"));
        b.append(String.format("%n  generation ids=%s%n", generationIds));
        lastVerify.ifPresent(v -> b.append("  last verify: ").append(v).append(System.lineSeparator()));
        alert.ifPresent(a -> b.append("  ALERT: ").append(a).append(System.lineSeparator()));
        return b.toString();
    }
}
