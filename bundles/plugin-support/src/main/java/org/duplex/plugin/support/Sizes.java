package org.duplex.plugin.support;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as operators write them (binary units, as df and free count). */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(I?B)?",
            Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** "2GiB", "2G", "1.5T", "512MiB", "4096", "4096B": bytes, or empty when not a size. */
    public static Optional<Long> parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        String suffix = m.group(3) == null ? "" : m.group(3).toUpperCase(Locale.ROOT);
        if (unit.isEmpty() ? suffix.equals("IB") : suffix.equals("B")) {
            return Optional.empty(); // "5iB"; "2GB" could mean 10^9 or 2^30: written 2G or 2GiB
        }
        int shift = switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        return bytes > Long.MAX_VALUE ? Optional.empty() : Optional.of((long) bytes);
    }

    /** 1288490188 -> "1.2 GiB"; below 1 KiB in bytes. */
    public static String format(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return (v >= 100 || v == Math.floor(v)
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v)) + " " + units[i];
    }

    /** A percentage as df prints it: rounded up to a whole number ("90.2" -> "91 %"). */
    public static String percent(double pct) {
        return (long) Math.ceil(pct - 1e-9) + " %";
    }

    /** A limit as given: "90 %" or "92.5 %". */
    public static String limit(double pct) {
        return (pct == Math.floor(pct) ? String.format(Locale.ROOT, "%.0f", pct)
                : String.format(Locale.ROOT, "%s", pct)) + " %";
    }
}
