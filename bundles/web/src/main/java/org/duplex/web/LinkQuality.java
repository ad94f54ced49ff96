package org.duplex.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each heartbeat link's quality now, as the heartbeat bundle writes it to this node's metrics page
 * ({@code duplex_heartbeat_link_*{peer,link,kind}}): read back from the page so the console gets what Prometheus
 * gets, from the one place that writes it. The console keeps the history for its charts.
 *
 * @param peer           the node at the other end
 * @param link           the link's id (udp0, serial0, ...)
 * @param kind           udp, tcp, serial, disk
 * @param up             whether the link is UP
 * @param latencySeconds one-way latency of the last frame (needs synchronised clocks); null before the first frame
 * @param jitterSeconds  inter-arrival jitter (clock-independent); null before the first frame
 * @param lossRatio      frames lost over frames sent since the peer's incarnation (0 to 1)
 * @param framesReceived frames received since then
 * @param framesLost     frames lost since then
 */
public record LinkQuality(String peer, String link, String kind, boolean up, Double latencySeconds,
                          Double jitterSeconds, Double lossRatio, Long framesReceived, Long framesLost) {

    private static final String PREFIX = "duplex_heartbeat_link_";

    /** Every link of the page, in the page's order (peer, then link). A malformed line is skipped. */
    public static List<LinkQuality> of(String page) {
        Map<List<String>, Map<String, Double>> byLink = new LinkedHashMap<>();
        for (String line : page.split("\n")) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            int brace = line.indexOf('{');
            if (brace < 0) {
                continue;
            }
            String family = line.substring(PREFIX.length(), brace);
            Map<String, String> labels = new HashMap<>();
            int end = labels(line, brace + 1, labels);
            if (end < 0 || !labels.keySet().containsAll(List.of("peer", "link", "kind"))
                    || labels.containsKey("state")) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(end).strip().split(" ")[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            byLink.computeIfAbsent(List.of(labels.get("peer"), labels.get("link"), labels.get("kind")),
                    k -> new HashMap<>()).put(family, value);
        }
        List<LinkQuality> out = new ArrayList<>();
        byLink.forEach((id, v) -> out.add(new LinkQuality(id.get(0), id.get(1), id.get(2),
                v.getOrDefault("up", 0.0) == 1.0, finite(v.get("latency_seconds")), finite(v.get("jitter_seconds")),
                finite(v.get("loss_ratio")), whole(v.get("frames_received_total")),
                whole(v.get("frames_lost_total")))));
        return out;
    }

    /** Reads {@code k="v",...}} from {@code i}; answers the index after the closing brace, or -1. */
    private static int labels(String line, int i, Map<String, String> into) {
        while (i < line.length()) {
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf("=\"", i);
            if (eq < 0) {
                return -1;
            }
            String key = line.substring(i, eq);
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char n = line.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            if (j >= line.length()) {
                return -1;
            }
            into.put(key, v.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return -1;
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }

    private static Long whole(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d.longValue();
    }
}
