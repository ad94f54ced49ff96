package org.duplex.plugin.os.param;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.duplex.plugin.support.Sizes;

/**
 * Reads a monitor's {@code key=value} parameters and collects every problem, each naming its parameter
 * ("max-used: '95x' is not a percentage (0-100, for example max-used=90)").
 */
public final class Params {

    private final Map<String, String> raw;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param type  the monitor type, for the "unknown parameter" message
     * @param known the keys the type takes
     */
    public Params(String type, Map<String, String> raw, Set<String> known) {
        this.raw = raw;
        for (String key : new TreeSet<>(raw.keySet())) {
            if (!known.contains(key)) {
                problems.add(key + ": unknown parameter (" + type + " takes " + String.join(", ", new TreeSet<>(known))
                        + ")");
            }
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public void problem(String text) {
        problems.add(text);
    }

    public boolean has(String key) {
        return raw.containsKey(key);
    }

    public Optional<String> text(String key) {
        String v = raw.get(key);
        return v == null ? Optional.empty() : Optional.of(v.trim());
    }

    /** A required non-blank value; a problem with {@code hint} when missing. */
    public String required(String key, String hint) {
        String v = raw.get(key);
        if (v == null || v.isBlank()) {
            problems.add(key + ": required (" + hint + ")");
            return "";
        }
        return v.trim();
    }

    /** A percentage 0-100, "90" or "90%"; empty when absent or wrong (then a problem is recorded). */
    public Optional<Double> percent(String key) {
        String v = raw.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = v.trim();
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isFinite(d) && d >= 0 && d <= 100 && !s.isEmpty() && Character.isDigit(s.charAt(0))) {
                return Optional.of(d);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + v + "' is not a percentage (0-100, for example " + key + "=90)");
        return Optional.empty();
    }

    /** A size such as "2GiB", "500M", "4096"; empty when absent or wrong (then a problem is recorded). */
    public Optional<Long> size(String key) {
        String v = raw.get(key);
        if (v == null) {
            return Optional.empty();
        }
        Optional<Long> bytes = Sizes.parse(v);
        if (bytes.isEmpty()) {
            problems.add(key + ": '" + v + "' is not a size (bytes, or with K/KiB, M/MiB, G/GiB, T/TiB: "
                    + "for example " + key + "=2GiB)");
        }
        return bytes;
    }

    /** A non-negative decimal number; empty when absent or wrong (then a problem is recorded). */
    public Optional<Double> number(String key, String example) {
        String v = raw.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d) && d >= 0 && Character.isDigit(v.trim().charAt(0))) {
                return Optional.of(d);
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        problems.add(key + ": '" + v + "' is not a number >= 0 (for example " + key + "=" + example + ")");
        return Optional.empty();
    }

    /** true/false (also yes/no, on/off); {@code dflt} when absent. */
    public boolean flag(String key, boolean dflt) {
        String v = raw.get(key);
        if (v == null) {
            return dflt;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(key + ": '" + v + "' is not true or false");
                return dflt;
            }
        }
    }
}
