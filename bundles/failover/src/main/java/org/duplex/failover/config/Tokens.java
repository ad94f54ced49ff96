package org.duplex.failover.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.duplex.api.failover.DurationWords;

/** Splitting of configuration lines: words separated by blanks, double quotes keep blanks, backslash escapes. */
public final class Tokens {

    private Tokens() {
    }

    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                any = true;
            } else if (c == '"') {
                inQuotes = !inQuotes;
                any = true;
            } else if (Character.isWhitespace(c) && !inQuotes) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("unclosed quote in: " + line);
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Quotes a word when it needs it, so that {@link #split} gives it back unchanged. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\\'
                || c == '#')) {
            return word;
        }
        return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** "500ms", "2s", "10m", "1h", "0"; a bare number is seconds ({@link DurationWords}). */
    public static Duration duration(String text, String what) {
        return DurationWords.parse(text, what);
    }

    public static String format(Duration d) {
        return DurationWords.format(d);
    }

    public static int integer(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a whole number");
        }
    }

    public static boolean bool(String text, String what) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException(what + ": '" + text + "' is not true/false");
        }
    }
}
