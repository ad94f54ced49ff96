package org.duplex.mirror.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.metrics.MetricsWriter;
import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.leg.Role;

/**
 * The mirror's metrics, per volume open on this node: role, writability, connection and both legs' disk states
 * (state sets), the share in sync, dirty bytes, resync speed, bytes sent by resyncs, the resync's estimated time
 * left, and whether an alert (split brain, unrelated data) waits for an operator. The same {@link MirrorStatus}
 * ha:mirror-status prints.
 */
public final class MirrorMetrics {

    private MirrorMetrics() {
    }

    public static void write(Collection<MirrorStatus> volumes, MetricsWriter out) {
        out.gauge("duplex_mirror_volumes", "Mirrored volumes open on this node.", Map.of(), volumes.size());
        for (MirrorStatus s : volumes) {
            Map<String, String> v = Map.of("volume", s.name());
            for (Role r : Role.values()) {
                out.gauge("duplex_mirror_role", "This leg's role (1 for the current one).",
                        with(v, "role", r.name()), s.role() == r ? 1 : 0);
            }
            out.gauge("duplex_mirror_writable", "1 when this leg accepts application writes (a primary with quorum, "
                    + "the current epoch and its peer's writes confirmed or fenced).", v, s.writable() ? 1 : 0);
            for (ConnectionState c : ConnectionState.values()) {
                out.gauge("duplex_mirror_connection", "Replication connection to the peer leg (1 for the current "
                        + "state).", with(v, "state", c.name()), s.connection() == c ? 1 : 0);
            }
            for (DiskState d : DiskState.values()) {
                Map<String, String> local = with(v, "state", d.name());
                local.put("leg", "local");
                out.gauge("duplex_mirror_disk_state", "Disk state of each leg as this leg knows it (1 for the current "
                        + "state; only UP_TO_DATE may serve as a sync source).", local, s.localDisk() == d ? 1 : 0);
                Map<String, String> peer = with(v, "state", d.name());
                peer.put("leg", "peer");
                out.gauge("duplex_mirror_disk_state", "Disk state of each leg as this leg knows it (1 for the current "
                        + "state; only UP_TO_DATE may serve as a sync source).", peer, s.peerDisk() == d ? 1 : 0);
            }
            out.gauge("duplex_mirror_in_sync_ratio", "Share of the volume known identical on both legs (1: in sync).",
                    v, s.syncPercent() / 100.0);
            out.gauge("duplex_mirror_dirty_bytes", "Bytes this leg must still send to or receive from its peer.", v,
                    s.dirtyBytes());
            out.gauge("duplex_mirror_resync_bytes_per_second", "Measured resync speed (0 when not resyncing).", v,
                    s.resyncBytesPerSec());
            out.counter("duplex_mirror_resync_bytes_sent_total", "Bytes this leg sent by resyncs since the volume was "
                    + "opened.", v, s.resyncBytesSent());
            out.gauge("duplex_mirror_resync_eta_seconds", "Estimated time to the end of the running resync (NaN when "
                    + "none runs).", v, s.eta().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));
            out.gauge("duplex_mirror_alert", "1 when a problem waits for an operator (split brain, unrelated data; "
                    + "ha:mirror-status says which).", v, s.alert().isPresent() ? 1 : 0);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String k, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(k, value);
        return m;
    }
}
