package org.duplex.plugin.os.disk;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inodes of one filesystem, from {@code df -P -i PATH}.
 *
 * @param total inodes the filesystem has (0 for filesystems that allocate them on demand, such as btrfs)
 * @param used  inodes in use
 * @param free  inodes left
 */
public record InodeUsage(long total, long used, long free) {

    // Filesystem, Inodes, IUsed, IFree, IUse%, Mounted on: parsed from the right of the numbers, so a device
    // name with spaces does not shift them; "-" is what df prints for a filesystem without inode counts.
    private static final Pattern ROW = Pattern.compile(
            "^(.*?)\\s+(\\d+|-)\\s+(\\d+|-)\\s+(\\d+|-)\\s+(\\d+%|-)\\s+(/.*)$");

    public boolean counted() {
        return total > 0;
    }

    public double usedPercent() {
        long denominator = used + free;
        return denominator <= 0 ? 0 : 100.0 * used / denominator;
    }

    /** The data row of {@code df -P -i} output; empty when the text has none. */
    public static Optional<InodeUsage> parseDf(String output) {
        return output.lines().skip(1).map(String::strip).map(ROW::matcher).filter(Matcher::matches).findFirst()
                .map(m -> new InodeUsage(num(m.group(2)), num(m.group(3)), num(m.group(4))));
    }

    private static long num(String s) {
        return s.equals("-") ? 0 : Long.parseLong(s);
    }
}
