package org.duplex.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.duplex.api.metrics.MetricsWriter;

/**
 * A {@link MetricsWriter} that keeps families in the order they were first written and renders them in the
 * Prometheus text exposition format 0.0.4: per family one {@code # HELP} and one {@code # TYPE} line, then all its
 * samples together (the format needs a family's samples contiguous, even when several sources write to it).
 * Labels are rendered sorted by name, so the page is the same for the same values.
 */
public final class MetricsText implements MetricsWriter {

    /** The content type of the text format, as Prometheus asks for it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    enum Type { GAUGE, COUNTER, SUMMARY }

    private record Sample(String suffix, Map<String, String> labels, double value) {
    }

    private static final class Family {
        final String name;
        final String help;
        final Type type;
        final List<Sample> samples = new ArrayList<>();
        final Set<Map<String, String>> labelSets = new HashSet<>();

        Family(String name, String help, Type type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    @Override
    public void gauge(String name, String help, Map<String, String> labels, double value) {
        Map<String, String> l = check(name, help, Type.GAUGE, labels);
        add(name, help, Type.GAUGE, l, List.of(new Sample("", l, value)));
    }

    @Override
    public void counter(String name, String help, Map<String, String> labels, double value) {
        Map<String, String> l = check(name, help, Type.COUNTER, labels);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("metric " + name + ": a counter's name must end in _total");
        }
        if (value < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException("metric " + name + l + ": a counter cannot be " + value);
        }
        add(name, help, Type.COUNTER, l, List.of(new Sample("", l, value)));
    }

    @Override
    public void summary(String name, String help, Map<String, String> labels, long count, double sum) {
        Map<String, String> l = check(name, help, Type.SUMMARY, labels);
        if (count < 0) {
            throw new IllegalArgumentException("metric " + name + l + ": a summary's count cannot be " + count);
        }
        add(name, help, Type.SUMMARY, l, List.of(new Sample("_sum", l, sum), new Sample("_count", l, count)));
    }

    /** Adds everything {@code other} holds; checks it all first, so a conflict adds nothing. */
    public void addAll(MetricsText other) {
        for (Family f : other.families.values()) {
            Family mine = families.get(f.name);
            if (mine != null) {
                sameKind(mine, f.name, f.help, f.type);
                for (Map<String, String> l : f.labelSets) {
                    if (mine.labelSets.contains(l)) {
                        throw new IllegalArgumentException("metric " + f.name + l + " was already written by "
                                + "another source");
                    }
                }
            }
        }
        for (Family f : other.families.values()) {
            Family mine = families.computeIfAbsent(f.name, n -> new Family(n, f.help, f.type));
            mine.samples.addAll(f.samples);
            mine.labelSets.addAll(f.labelSets);
        }
    }

    public boolean isEmpty() {
        return families.isEmpty();
    }

    /** The page: every family with its HELP and TYPE lines, then its samples; ends with a newline. */
    public String render() {
        StringBuilder b = new StringBuilder(4096);
        for (Family f : families.values()) {
            b.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            b.append("# TYPE ").append(f.name).append(' ').append(f.type.name().toLowerCase()).append('\n');
            for (Sample s : f.samples) {
                b.append(f.name).append(s.suffix());
                if (!s.labels().isEmpty()) {
                    b.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> e : s.labels().entrySet()) {
                        if (!first) {
                            b.append(',');
                        }
                        first = false;
                        b.append(e.getKey()).append("=\"").append(escapeLabelValue(e.getValue())).append('"');
                    }
                    b.append('}');
                }
                b.append(' ').append(number(s.value())).append('\n');
            }
        }
        return b.toString();
    }

    private Map<String, String> check(String name, String help, Type type, Map<String, String> labels) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        if (help == null) {
            throw new IllegalArgumentException("metric " + name + ": help is missing");
        }
        if (labels == null) {
            throw new IllegalArgumentException("metric " + name + ": labels are null (use Map.of())");
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String k = e.getKey();
            if (k == null || !LABEL_NAME.matcher(k).matches() || k.startsWith("__")) {
                throw new IllegalArgumentException("metric " + name + ": label name '" + k
                        + "' is not [a-zA-Z_][a-zA-Z0-9_]* (or starts with __, which is reserved)");
            }
            if (type == Type.SUMMARY && k.equals("quantile")) {
                throw new IllegalArgumentException("metric " + name + ": label 'quantile' is reserved in a summary");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("metric " + name + ": label " + k + " has no value");
            }
            sorted.put(k, e.getValue());
        }
        Family f = families.get(name);
        if (f != null) {
            sameKind(f, name, help, type);
            if (f.labelSets.contains(sorted)) {
                throw new IllegalArgumentException("metric " + name + sorted + " written twice");
            }
        }
        return sorted;
    }

    private static void sameKind(Family f, String name, String help, Type type) {
        if (f.type != type) {
            throw new IllegalArgumentException("metric " + name + " is a " + f.type.name().toLowerCase()
                    + ", not a " + type.name().toLowerCase());
        }
        if (!f.help.equals(help)) {
            throw new IllegalArgumentException("metric " + name + " has help '" + f.help + "', not '" + help + "'");
        }
    }

    private void add(String name, String help, Type type, Map<String, String> labels, List<Sample> samples) {
        Family f = families.computeIfAbsent(name, n -> new Family(n, help, type));
        f.labelSets.add(labels);
        f.samples.addAll(samples);
    }

    /** Label values: backslash, double quote and line feed escaped (the format's three). */
    static String escapeLabelValue(String v) {
        StringBuilder b = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Help text: backslash and line feed escaped (a double quote stays as it is). */
    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Go's float syntax as Prometheus parses it: whole numbers without a fraction, NaN, +Inf, -Inf. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
