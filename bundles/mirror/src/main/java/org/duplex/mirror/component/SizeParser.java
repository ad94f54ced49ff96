package org.duplex.mirror.component;

import java.util.Locale;

/** Parses "1073741824", "64K", "512M", "1G", "2T" (binary units). */
public final class SizeParser {
    private SizeParser() {
    }

    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        switch (last) {
            case 'K': unit = 1L << 10; break;
            case 'M': unit = 1L << 20; break;
            case 'G': unit = 1L << 30; break;
            case 'T': unit = 1L << 40; break;
            default: break;
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 1073741824, 512M, 1G)");
        }
    }
}
