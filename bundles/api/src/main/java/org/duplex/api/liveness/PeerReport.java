package org.duplex.api.liveness;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.duplex.api.model.NodeId;

/**
 * The status a peer last sent about itself in its heartbeat payload, for mutual monitoring. IP links carry the
 * full status; serial and disk links carry only the compact part ({@code peerLinks} is then empty).
 *
 * @param peer              the peer that sent it
 * @param receivedAt        when it arrived
 * @param viaLink           the local link it arrived on
 * @param load1             the peer's one-minute load average (negative when unknown)
 * @param memoryUsedPercent the peer's used memory, 0-100 (negative when unknown)
 * @param diskUsedPercent   the peer's fullest watched file system, 0-100 (negative when unknown)
 * @param peerLinks         the peer's own view of its links, keyed "link/peer" (full status only)
 */
public record PeerReport(NodeId peer, Instant receivedAt, String viaLink, double load1, int memoryUsedPercent,
        int diskUsedPercent, Map<String, LinkState> peerLinks) {

    public PeerReport {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(viaLink, "viaLink");
        peerLinks = Map.copyOf(Objects.requireNonNull(peerLinks, "peerLinks"));
    }
}
