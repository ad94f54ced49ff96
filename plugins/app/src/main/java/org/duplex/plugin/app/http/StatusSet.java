package org.duplex.plugin.app.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP status codes that count as healthy: single codes and ranges, {@code 200-399} or {@code 200,204,301-302}.
 *
 * @param text   as the operator wrote it, for reasons
 * @param ranges the codes, each range inclusive
 */
public record StatusSet(String text, List<StatusSet.Range> ranges) {

    /** {@code low} to {@code high}, both included. */
    public record Range(int low, int high) {
    }

    public static final StatusSet DEFAULT = parse("200-399");

    public StatusSet {
        ranges = List.copyOf(ranges);
    }

    /** @throws IllegalArgumentException with a message fit for "status: ..." */
    public static StatusSet parse(String text) {
        List<Range> ranges = new ArrayList<>();
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty (codes and ranges, for example 200-299,301)");
        }
        for (String part : t.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int low = code(dash < 0 ? p : p.substring(0, dash), text);
            int high = dash < 0 ? low : code(p.substring(dash + 1), text);
            if (low > high) {
                throw new IllegalArgumentException("'" + p + "' in '" + text + "' is an empty range");
            }
            ranges.add(new Range(low, high));
        }
        return new StatusSet(t, ranges);
    }

    private static int code(String s, String text) {
        try {
            int c = Integer.parseInt(s.trim());
            if (c >= 100 && c <= 599) {
                return c;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + s.trim() + "' in '" + text + "' is not a status code (100-599)");
    }

    public boolean contains(int status) {
        return ranges.stream().anyMatch(r -> status >= r.low() && status <= r.high());
    }
}
