package org.duplex.plugin.process.select;

import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** How one rule picks its processes: {@code name:}, {@code cmdline:}, {@code pidfile:} or {@code cgroup:}. */
public sealed interface Selector {

    /** The kernel cuts process names (comm) to this many characters. */
    int COMM_LENGTH = 15;

    /** What reasons call the selection when the operator gave no label. */
    String describe();

    /**
     * The process name, as {@code ps -e -o comm} and {@code pgrep -x} see it. A name longer than 15 characters
     * also matches a process whose cut name is its start and whose argv[0] ends in the whole name.
     */
    record Name(String name) implements Selector {
        @Override
        public String describe() {
            return name;
        }
    }

    /** A regular expression found anywhere in the command line (arguments joined by single spaces). */
    record CmdLine(Pattern regex) implements Selector {
        @Override
        public String describe() {
            return "cmdline /" + regex.pattern() + "/";
        }
    }

    /** The process whose pid a file holds: 1 running or 0. */
    record PidFile(Path file) implements Selector {
        @Override
        public String describe() {
            return "pidfile " + file;
        }
    }

    /**
     * The processes of a cgroup v2 and of the cgroups below it ({@code cgroup.procs}); a relative path is taken
     * from the cgroup2 mount (usually /sys/fs/cgroup).
     */
    record Cgroup(String path) implements Selector {
        @Override
        public String describe() {
            return "cgroup " + path;
        }
    }

    /**
     * Parses "name:nginx", "cmdline:java .*app\.jar", "pidfile:/run/app.pid", "cgroup:system.slice/app.service".
     *
     * @throws IllegalArgumentException saying what is wrong, without the parameter's name
     */
    static Selector parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String kind = colon < 0 ? "" : t.substring(0, colon);
        String value = colon < 0 ? "" : t.substring(colon + 1).trim();
        switch (kind) {
            case "name" -> {
                if (value.isEmpty() || value.contains("/")) {
                    throw new IllegalArgumentException("'" + text + "': name: needs a process name without '/' "
                            + "(for example name:nginx)");
                }
                return new Name(value);
            }
            case "cmdline" -> {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("'" + text + "': cmdline: needs a regular expression "
                            + "(for example cmdline:java .*app\\.jar)");
                }
                try {
                    return new CmdLine(Pattern.compile(value));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("'" + value + "' is not a valid regular expression: "
                            + e.getDescription());
                }
            }
            case "pidfile" -> {
                if (!value.startsWith("/")) {
                    throw new IllegalArgumentException("'" + text + "': pidfile: needs an absolute path "
                            + "(for example pidfile:/run/app.pid)");
                }
                return new PidFile(Path.of(value));
            }
            case "cgroup" -> {
                if (value.isEmpty() || value.contains("..")) {
                    throw new IllegalArgumentException("'" + text + "': cgroup: needs a cgroup path, absolute or "
                            + "below the cgroup2 mount, without '..' (for example cgroup:system.slice/app.service)");
                }
                return new Cgroup(value);
            }
            default -> throw new IllegalArgumentException("'" + text + "' does not start with name:, cmdline:, "
                    + "pidfile: or cgroup: (for example name:nginx)");
        }
    }
}
