package org.duplex.plugin.process.proc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One process as {@code /proc/PID/stat} shows it.
 *
 * @param pid   process id
 * @param comm  its name as the kernel keeps it: the executable's file name, cut to 15 characters
 * @param state R, S, D, Z (zombie), T, X (dead)...
 */
public record ProcEntry(long pid, String comm, char state) {

    /** A zombie or a dead task has exited: it does not count as running. */
    public boolean running() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /**
     * Parses {@code /proc/PID/stat}: "1234 (my prog) S 1 ...". The name is between the first '(' and the LAST
     * ')', since a process may call itself "a) b".
     */
    public static Optional<ProcEntry> parseStat(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open <= 0 || close < open || close + 2 >= stat.length()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(stat.substring(0, open).trim());
            return Optional.of(new ProcEntry(pid, stat.substring(open + 1, close), stat.charAt(close + 2)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Splits {@code /proc/PID/cmdline} (arguments ended by NUL bytes) into the arguments. */
    public static List<String> parseCmdline(byte[] raw) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        return args;
    }
}
