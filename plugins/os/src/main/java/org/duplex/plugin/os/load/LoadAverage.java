package org.duplex.plugin.os.load;

import java.util.Optional;

/**
 * The first three fields of {@code /proc/loadavg}: runnable and uninterruptible tasks averaged over 1, 5 and 15
 * minutes, for the whole machine.
 */
public record LoadAverage(double load1, double load5, double load15) {

    /** "0.52 0.48 0.40 1/345 12345"; empty when the text does not start with three numbers. */
    public static Optional<LoadAverage> parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LoadAverage(Double.parseDouble(f[0]), Double.parseDouble(f[1]),
                    Double.parseDouble(f[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * How many CPUs a CPU list such as {@code /sys/devices/system/cpu/online} names ("0-3,6,8-9" is 7); empty
     * when the text is not such a list.
     */
    public static Optional<Integer> countCpus(String cpuList) {
        int n = 0;
        try {
            for (String part : cpuList.trim().split(",")) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    Integer.parseInt(part);
                    n++;
                } else {
                    int from = Integer.parseInt(part.substring(0, dash));
                    int to = Integer.parseInt(part.substring(dash + 1));
                    if (to < from) {
                        return Optional.empty();
                    }
                    n += to - from + 1;
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return n > 0 ? Optional.of(n) : Optional.empty();
    }
}
