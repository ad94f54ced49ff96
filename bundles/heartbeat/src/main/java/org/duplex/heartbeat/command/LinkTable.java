package org.duplex.heartbeat.command;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.duplex.api.liveness.PeerStatus;
import org.duplex.heartbeat.detect.LinkStats;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.node.HeartbeatNode;

/** Renders the ha:links tables: peers, (peer, link) pairs with statistics, links, and rejected frames. */
public final class LinkTable {

    private LinkTable() {
    }

    public static String render(String self, List<PeerStatus> peers, List<LinkStats> stats,
            List<HeartbeatNode.LinkView> links, RejectionCounters rejections, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("Node ").append(self).append('\n');
        b.append(String.format(Locale.ROOT, "%-16s %-10s%n", "PEER", "LIVENESS"));
        for (PeerStatus p : peers) {
            b.append(String.format(Locale.ROOT, "%-16s %-10s%n", p.peer(), p.liveness()));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "%-16s %-12s %-6s %-7s %-11s %9s %8s %7s %9s %8s%n", "PEER", "LINK",
                "KIND", "STATE", "LAST HEARD", "LATENCY", "JITTER", "LOSS%", "RECEIVED", "REJECTED"));
        for (LinkStats s : stats) {
            String heard = s.lastHeard().map(t -> ago(Duration.between(t, now))).orElse("never");
            b.append(String.format(Locale.ROOT, "%-16s %-12s %-6s %-7s %-11s %7.1fms %6.1fms %7.2f %9d %8d%n",
                    s.peer(), s.linkId(), s.kind(), s.state(), heard, s.latencyMillis(), s.jitterMillis(),
                    s.lossPercent(), s.received(), rejections.totalForLink(s.linkId())));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "%-12s %-6s %-8s %10s %8s  %s%n", "LINK", "TYPE", "RUNNING", "SENT",
                "REJECTED", "DETAIL"));
        for (HeartbeatNode.LinkView l : links) {
            b.append(String.format(Locale.ROOT, "%-12s %-6s %-8s %10d %8d  %s%n", l.config().name(),
                    l.config().type().name().toLowerCase(Locale.ROOT), l.running() ? "yes" : "NO", l.sent(),
                    l.rejected(), l.detail()));
        }
        List<RejectionCounters.Row> rows = rejections.rows();
        if (!rows.isEmpty()) {
            b.append('\n');
            b.append(String.format(Locale.ROOT, "%-12s %-32s %-20s %8s%n", "LINK", "SOURCE", "REJECTED BECAUSE",
                    "FRAMES"));
            for (RejectionCounters.Row r : rows) {
                b.append(String.format(Locale.ROOT, "%-12s %-32s %-20s %8d%n", r.link(), r.source(),
                        r.reason().label(), r.count()));
            }
        }
        return b.toString();
    }

    static String ago(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return ms < 10_000 ? ms + " ms ago" : ms / 1000 + " s ago";
    }
}
