package org.duplex.plugin.app.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parameter checks shared by the monitors; every problem starts with the parameter's name. */
public final class Params {

    private Params() {
    }

    /** A required, non-blank parameter; adds "{@code key}: required ({@code hint})" when it is missing. */
    public static String required(Map<String, String> params, String key, String hint, List<String> problems) {
        String v = params.get(key);
        if (v == null || v.isBlank()) {
            problems.add(key + ": required (" + hint + ")");
            return null;
        }
        return v.trim();
    }

    /** An optional TCP port, 1-65535. */
    public static Integer port(Map<String, String> params, String key, List<String> problems) {
        String v = params.get(key);
        if (v == null) {
            return null;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
            problems.add(key + ": " + v + " is outside 1-65535");
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + v + "' is not a number");
        }
        return null;
    }

    /** An optional true/false (yes/no), {@code dflt} when absent. */
    public static boolean bool(Map<String, String> params, String key, boolean dflt, List<String> problems) {
        String v = params.get(key);
        if (v == null) {
            return dflt;
        }
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> {
                return true;
            }
            case "false", "no" -> {
                return false;
            }
            default -> {
                problems.add(key + ": '" + v + "' is not true or false");
                return dflt;
            }
        }
    }

    /** Adds "{@code key}: unknown parameter ({@code type} takes ...)" for every key outside {@code known}. */
    public static void noOthers(Map<String, String> params, String type, List<String> known, List<String> problems) {
        Set<String> allowed = Set.copyOf(known);
        for (String key : params.keySet().stream().sorted().toList()) {
            if (!allowed.contains(key)) {
                problems.add(key + ": unknown parameter (" + type + " takes " + String.join(", ", known) + ")");
            }
        }
    }

    /** Text for a reason: newlines and tabs as blanks, at most {@code max} characters. */
    public static String excerpt(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    /** An exception for a reason: its class and message, and its cause's when it has none of its own. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
