package org.duplex.monitor.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code key=value} shell arguments, naming the argument that is wrong. */
final class KeyValueArgs {

    private KeyValueArgs() {
    }

    static Map<String, String> parse(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null) {
            return out;
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument " + (i + 1) + " '" + arg
                        + "' is not key=value (for example host=192.168.1.1)");
            }
            String key = arg.substring(0, eq).trim();
            if (out.put(key, arg.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("argument " + (i + 1) + ": '" + key + "' is given twice");
            }
        }
        return out;
    }
}
