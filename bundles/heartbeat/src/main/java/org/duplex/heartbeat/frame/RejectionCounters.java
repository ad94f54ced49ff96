package org.duplex.heartbeat.frame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rejected frames, counted per reason, per link and per source (an address or device). The number of distinct
 * sources is bounded so that spoofed source addresses cannot grow memory without bound.
 */
public final class RejectionCounters {

    /** One counted (link, source, reason) cell. */
    public record Row(String link, String source, RejectReason reason, long count) {
    }

    private static final String OTHER = "(other sources)";
    private final int maxSources;
    private final Map<RejectReason, LongAdder> byReason = new EnumMap<>(RejectReason.class);
    private final Map<String, Map<RejectReason, LongAdder>> byLinkSource = new ConcurrentHashMap<>();

    public RejectionCounters(int maxSources) {
        this.maxSources = maxSources;
        for (RejectReason r : RejectReason.values()) {
            byReason.put(r, new LongAdder());
        }
    }

    public void count(String link, String source, RejectReason reason) {
        byReason.get(reason).increment();
        String key = link + "\u0000" + source;
        Map<RejectReason, LongAdder> cell = byLinkSource.get(key);
        if (cell == null) {
            if (byLinkSource.size() >= maxSources) {
                key = link + "\u0000" + OTHER;
            }
            cell = byLinkSource.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        }
        cell.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long total(RejectReason reason) {
        return byReason.get(reason).sum();
    }

    public long total() {
        return byReason.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<RejectReason, Long> totals() {
        Map<RejectReason, Long> m = new LinkedHashMap<>();
        byReason.forEach((r, a) -> m.put(r, a.sum()));
        return m;
    }

    public long totalForLink(String link) {
        return rows().stream().filter(r -> r.link().equals(link)).mapToLong(Row::count).sum();
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        byLinkSource.forEach((key, cell) -> {
            int i = key.indexOf('\u0000');
            cell.forEach((reason, n) -> rows.add(new Row(key.substring(0, i), key.substring(i + 1), reason, n.sum())));
        });
        rows.sort(Comparator.comparing(Row::link).thenComparing(Row::source).thenComparing(Row::reason));
        return rows;
    }
}
