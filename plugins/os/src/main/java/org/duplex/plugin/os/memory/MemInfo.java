package org.duplex.plugin.os.memory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of {@code /proc/meminfo} the memory monitor needs, in bytes.
 *
 * @param total     MemTotal
 * @param available MemAvailable: what can be given to programs without swapping (the kernel's estimate, counting
 *                  reclaimable cache) - "used" is total minus this, not total minus MemFree
 * @param swapTotal SwapTotal (0 without swap)
 * @param swapFree  SwapFree
 */
public record MemInfo(long total, long available, long swapTotal, long swapFree) {

    public long used() {
        return Math.max(0, total - available);
    }

    public double usedPercent() {
        return total <= 0 ? 0 : 100.0 * used() / total;
    }

    public long swapUsed() {
        return Math.max(0, swapTotal - swapFree);
    }

    public double swapUsedPercent() {
        return swapTotal <= 0 ? 0 : 100.0 * swapUsed() / swapTotal;
    }

    /** Parses the file; empty when MemTotal or MemAvailable (kernel 3.14 and later) is missing. */
    public static Optional<MemInfo> parse(String text) {
        Map<String, Long> kb = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] value = line.substring(colon + 1).trim().split("\\s+");
            try {
                long n = Long.parseLong(value[0]);
                kb.put(line.substring(0, colon).trim(), value.length > 1 && value[1].equals("kB") ? n * 1024 : n);
            } catch (NumberFormatException e) {
                // not a number: not a line we need
            }
        }
        if (!kb.containsKey("MemTotal") || !kb.containsKey("MemAvailable")) {
            return Optional.empty();
        }
        return Optional.of(new MemInfo(kb.get("MemTotal"), kb.get("MemAvailable"), kb.getOrDefault("SwapTotal", 0L),
                kb.getOrDefault("SwapFree", 0L)));
    }
}
