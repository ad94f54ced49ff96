package org.duplex.plugin.os.readonly;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/self/mounts}.
 *
 * @param device     what is mounted ("/dev/vda1", "tmpfs")
 * @param mountPoint where
 * @param type       filesystem type
 * @param options    mount options ("rw", "relatime", ...)
 */
public record Mount(String device, Path mountPoint, String type, List<String> options) {

    public Mount {
        options = List.copyOf(options);
    }

    public boolean readOnly() {
        return options.contains("ro");
    }

    /** "/mnt/data (ext4 on /dev/loop3)" for reasons. */
    public String describe() {
        return mountPoint + " (" + type + " on " + device + ")";
    }

    /** Parses the whole file; lines that are not mounts are skipped. */
    public static List<Mount> parse(String text) {
        List<Mount> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length >= 4) {
                out.add(new Mount(unescape(f[0]), Path.of(unescape(f[1])), unescape(f[2]),
                        List.of(unescape(f[3]).split(","))));
            }
        }
        return out;
    }

    /**
     * The mount that holds {@code realPath} (symbolic links already resolved): the longest mount point above it,
     * and of several mounts on the same point the last one, which hides the others.
     */
    public static Optional<Mount> holding(List<Mount> mounts, Path realPath) {
        Mount best = null;
        for (Mount m : mounts) {
            if (realPath.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    // The kernel writes space, tab, newline and backslash in these fields as \040, \011, \012, \134.
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
