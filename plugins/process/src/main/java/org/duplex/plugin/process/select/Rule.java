package org.duplex.plugin.process.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One selection and how many of its processes must run.
 *
 * @param id       the N of {@code match.N} ("" for a plain {@code match})
 * @param selector which processes
 * @param min      at least this many (default 1)
 * @param max      at most this many, when given
 * @param label    what reasons call it ({@code label.N}, else the selector's own description)
 */
public record Rule(String id, Selector selector, int min, OptionalInt max, String label) {

    private static final Pattern KEY = Pattern.compile("(match|min|max|label)(?:\\.([A-Za-z0-9_-]+))?");

    /** Orders rule ids as operators number them: 2 before 10, numbers before words. */
    static final Comparator<String> ID_ORDER = Comparator.<String, Boolean>comparing(s -> !s.matches("\\d+"))
            .thenComparing(s -> s.matches("\\d+") ? String.format("%20s", s) : s);

    /**
     * Reads the rules from {@code match.N}, {@code min.N}, {@code max.N}, {@code label.N}; every problem, naming
     * its parameter, goes to {@code problems}.
     */
    public static List<Rule> parse(Map<String, String> params, List<String> problems) {
        Map<String, Map<String, String>> byId = new TreeMap<>(ID_ORDER);
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            Matcher m = KEY.matcher(e.getKey());
            if (!m.matches()) {
                problems.add(e.getKey() + ": unknown parameter (process takes match.N, min.N, max.N and label.N, "
                        + "for example match.1=name:nginx min.1=2)");
                continue;
            }
            String id = m.group(2) == null ? "" : m.group(2);
            byId.computeIfAbsent(id, k -> new TreeMap<>()).put(m.group(1), e.getValue());
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : byId.entrySet()) {
            String id = e.getKey();
            Map<String, String> kv = e.getValue();
            String suffix = id.isEmpty() ? "" : "." + id;
            if (!kv.containsKey("match")) {
                for (String k : kv.keySet()) {
                    problems.add(k + suffix + ": no match" + suffix + " (min" + suffix + ", max" + suffix
                            + " and label" + suffix + " belong to a match" + suffix + ")");
                }
                continue;
            }
            Selector selector;
            try {
                selector = Selector.parse(kv.get("match"));
            } catch (IllegalArgumentException ex) {
                problems.add("match" + suffix + ": " + ex.getMessage());
                continue;
            }
            int before = problems.size();
            int min = count(kv.get("min"), "min" + suffix, 1, problems);
            OptionalInt max = kv.containsKey("max") ? OptionalInt.of(count(kv.get("max"), "max" + suffix, 0,
                    problems)) : OptionalInt.empty();
            if (problems.size() > before) {
                continue;
            }
            if (max.isPresent() && max.getAsInt() < min) {
                problems.add("max" + suffix + ": " + max.getAsInt() + " is below min" + suffix + " " + min);
                continue;
            }
            if (selector instanceof Selector.PidFile && min > 1) {
                problems.add("min" + suffix + ": " + min + " is more than a pid file can name (0 or 1)");
                continue;
            }
            String label = kv.getOrDefault("label", "").trim();
            rules.add(new Rule(id, selector, min, max, label.isEmpty() ? selector.describe() : label));
        }
        if (rules.isEmpty() && problems.isEmpty()) {
            problems.add("match: at least one selection is required (for example match.1=name:nginx min.1=2)");
        }
        return rules;
    }

    private static int count(String value, String key, int dflt, List<String> problems) {
        if (value == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + value + "' is not a count (a whole number >= 0)");
        return dflt;
    }
}
