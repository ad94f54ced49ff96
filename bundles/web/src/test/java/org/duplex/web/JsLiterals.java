package org.duplex.web;

import java.util.ArrayList;
import java.util.List;

/**
 * The string literals of a JavaScript source, for {@link ConsoleI18nTest}: quoted strings and the fixed parts of
 * template literals (expressions inside {@code ${}} are scanned too); comments are skipped. Regular-expression
 * literals are not recognised, so the console's scripts keep quotes out of them.
 */
final class JsLiterals {

    record Literal(String text, int line, boolean template) {
    }

    private final String s;
    private int i;
    private final List<Literal> out = new ArrayList<>();

    private JsLiterals(String s) {
        this.s = s;
    }

    static List<Literal> of(String source) {
        JsLiterals j = new JsLiterals(source);
        j.code(false);
        return j.out;
    }

    /** Scans code until the end, or until the '}' that closes a template's '${' when {@code inTemplate}. */
    private void code(boolean inTemplate) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else if (c == '\'' || c == '"') {
                quoted(c);
            } else if (c == '`') {
                template();
            } else {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (inTemplate && depth == 0) {
                        i++;
                        return;
                    }
                    depth--;
                }
                i++;
            }
        }
    }

    private void quoted(char quote) {
        int line = line();
        StringBuilder b = new StringBuilder();
        i++;
        while (i < s.length() && s.charAt(i) != quote) {
            if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                i++;
            }
            b.append(s.charAt(i++));
        }
        i++;
        out.add(new Literal(b.toString(), line, false));
    }

    private void template() {
        i++;
        StringBuilder b = new StringBuilder();
        int line = line();
        while (i < s.length() && s.charAt(i) != '`') {
            if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                b.append(s.charAt(i + 1));
                i += 2;
            } else if (s.startsWith("${", i)) {
                flush(b, line);
                i += 2;
                code(true);
                line = line();
            } else {
                b.append(s.charAt(i++));
            }
        }
        i++;
        flush(b, line);
    }

    private void flush(StringBuilder b, int line) {
        if (b.length() > 0) {
            out.add(new Literal(b.toString(), line, true));
            b.setLength(0);
        }
    }

    private int line() {
        int n = 1;
        for (int k = 0; k < i && k < s.length(); k++) {
            if (s.charAt(k) == '\n') {
                n++;
            }
        }
        return n;
    }
}
