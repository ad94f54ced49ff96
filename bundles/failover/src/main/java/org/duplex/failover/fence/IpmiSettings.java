package org.duplex.failover.fence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.api.model.NodeId;
import org.duplex.failover.config.Tokens;

/**
 * The parameters of a {@code type = ipmi} device, read and checked from its {@link FenceDeviceConfig}. Immutable.
 * Every problem is reported at once, each naming its key, and the message names the device.
 *
 * @param ipmitool      absolute path of the client ({@code ipmitool}, default {@value #DEFAULT_IPMITOOL})
 * @param bmcs          each fenced node's BMC ({@code bmc.<node> = host[:port]}, port 623 by default)
 * @param user          the BMC user ({@code user})
 * @param passwordFile  the file holding the user's password, mode 0600 or stricter ({@code password.file});
 *                      ipmitool reads it itself ({@code -f}), so the password is never on a command line or in a log
 * @param privilege     the session's privilege level ({@code privilege}: user, operator (default), administrator)
 * @param cipherSuite   the RMCP+ cipher suite ({@code cipher.suite}, default 3: HMAC-SHA1, HMAC-SHA1-96, AES-128)
 * @param lanTimeout    ipmitool's wait for one answer before it retransmits ({@code lan.timeout}, whole seconds,
 *                      default 1s: ipmitool's {@code -N})
 * @param retries       ipmitool's retransmissions ({@code retries}, default 2: ipmitool's {@code -R})
 * @param pollInterval  how often the power status is read back after off/on ({@code poll.interval}, default 1s)
 * @param timeout       bound on one whole action, the read-back included (the device's {@code timeout})
 */
public record IpmiSettings(Path ipmitool, Map<NodeId, Bmc> bmcs, String user, Path passwordFile, Privilege privilege,
                           int cipherSuite, Duration lanTimeout, int retries, Duration pollInterval,
                           Duration timeout) {

    public static final String DEFAULT_IPMITOOL = "/usr/bin/ipmitool";
    public static final int DEFAULT_PORT = 623;
    public static final int DEFAULT_CIPHER_SUITE = 3;
    public static final Duration DEFAULT_LAN_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_RETRIES = 2;
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

    /** The keys of an ipmi device besides the common ones and {@code bmc.<node>}. */
    static final Set<String> KEYS = Set.of("ipmitool", "user", "password.file", "privilege", "cipher.suite",
            "lan.timeout", "retries", "poll.interval");

    /** A BMC's LAN address. */
    public record Bmc(String host, int port) {

        public Bmc {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** IPMI session privilege levels that may control chassis power, as ipmitool's {@code -L} spells them. */
    public enum Privilege {
        USER, OPERATOR, ADMINISTRATOR;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public IpmiSettings {
        Objects.requireNonNull(ipmitool, "ipmitool");
        bmcs = Collections.unmodifiableMap(new LinkedHashMap<>(bmcs));
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(privilege, "privilege");
        Objects.requireNonNull(lanTimeout, "lanTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(timeout, "timeout");
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::(.*))?");

    /**
     * Reads and checks an ipmi device's parameters, the password file's mode included.
     *
     * @throws IllegalArgumentException "fencing device NAME: key: what is wrong; key: ..."
     */
    public static IpmiSettings parse(FenceDeviceConfig config) {
        List<String> problems = new ArrayList<>();
        Map<String, String> p = config.params();

        Path ipmitool = absolute(p.getOrDefault("ipmitool", DEFAULT_IPMITOOL), "ipmitool", problems);

        Map<NodeId, Bmc> bmcs = new LinkedHashMap<>();
        for (NodeId n : config.nodes()) {
            String v = p.getOrDefault("bmc." + n.value(), "").trim();
            if (v.isEmpty()) {
                problems.add("bmc." + n.value() + " is missing: every node in nodes needs its BMC's address (bmc."
                        + n.value() + " = 10.0.9.1 or 10.0.9.1:623)");
                continue;
            }
            parseBmc(v, "bmc." + n.value(), problems).ifPresent(b -> bmcs.put(n, b));
        }
        for (String k : p.keySet()) {
            if (k.startsWith("bmc.") && config.nodes().stream().noneMatch(n -> k.equals("bmc." + n.value()))) {
                problems.add(k + ": node '" + k.substring(4) + "' is not in nodes = " + String.join(",",
                        config.nodes().stream().map(NodeId::value).toList()) + " (a typo, or add it to nodes)");
            } else if (!k.startsWith("bmc.") && !KEYS.contains(k)) {
                problems.add(k + ": unknown key for type ipmi (known: bmc.<node>, " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ", and the common name, type, nodes, level, timeout, "
                        + "retry.interval)");
            }
        }

        String user = p.getOrDefault("user", "").trim();
        if (user.isEmpty()) {
            problems.add("user is missing: the BMC user that may control power (user = fence)");
        } else if (user.getBytes(StandardCharsets.UTF_8).length > 16 || !user.chars().allMatch(c -> c > 32 && c < 127)) {
            problems.add("user: '" + user + "' must be 1 to 16 printable ASCII characters without spaces (IPMI "
                    + "user names are at most 16 bytes)");
        }

        Path passwordFile = null;
        String pf = p.getOrDefault("password.file", "").trim();
        if (pf.isEmpty()) {
            problems.add("password.file is missing: a file of mode 0600 whose first line is the BMC password "
                    + "(password.file = /etc/duplex/ipmi.pass)");
        } else {
            passwordFile = absolute(pf, "password.file", problems);
            if (passwordFile != null) {
                passwordProblem(passwordFile).ifPresent(problems::add);
            }
        }

        Privilege privilege = Privilege.OPERATOR;
        String pv = p.getOrDefault("privilege", "").trim().toLowerCase(Locale.ROOT);
        if (!pv.isEmpty()) {
            privilege = switch (pv) {
                case "user" -> Privilege.USER;
                case "operator" -> Privilege.OPERATOR;
                case "administrator", "admin" -> Privilege.ADMINISTRATOR;
                default -> {
                    problems.add("privilege: '" + pv + "' is not one of user, operator, administrator (chassis "
                            + "power control needs operator on most BMCs; callback cannot control power)");
                    yield Privilege.OPERATOR;
                }
            };
        }

        int cipher = integer(p, "cipher.suite", DEFAULT_CIPHER_SUITE, 1, 17,
                "an RMCP+ cipher suite id from 1 to 17 (3 and 17 are what BMCs commonly offer)", problems);
        int retries = integer(p, "retries", DEFAULT_RETRIES, 0, 10,
                "how often ipmitool retransmits an unanswered request, 0 to 10", problems);
        Duration lanTimeout = duration(p, "lan.timeout", DEFAULT_LAN_TIMEOUT, problems);
        if (lanTimeout.toMillis() % 1000 != 0 || lanTimeout.toSeconds() > 60) {
            problems.add("lan.timeout: must be whole seconds from 1s to 60s (ipmitool -N), was "
                    + Tokens.format(lanTimeout));
        }
        Duration poll = duration(p, "poll.interval", DEFAULT_POLL, problems);
        if (poll.compareTo(config.timeout()) >= 0) {
            problems.add("poll.interval: " + Tokens.format(poll) + " must be shorter than timeout "
                    + Tokens.format(config.timeout()) + " (the power status is read back until the timeout)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("fencing device " + config.name() + " (type ipmi): "
                    + String.join("; ", problems));
        }
        return new IpmiSettings(ipmitool, bmcs, user, passwordFile, privilege, cipher, lanTimeout, retries, poll,
                config.timeout());
    }

    /**
     * Why the password file must not be used: missing, not a regular file, readable or writable by group or others,
     * unreadable, empty, or a first line longer than IPMI's 20 bytes. The password itself never appears.
     */
    public static Optional<String> passwordProblem(Path file) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                return Optional.of("password.file " + file + " does not exist");
            }
            if (!Files.isRegularFile(file)) {
                return Optional.of("password.file " + file + " is not a regular file");
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> open = EnumSet.copyOf(perms);
            open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
            if (!open.isEmpty()) {
                return Optional.of("password.file " + file + " has mode " + PosixFilePermissions.toString(perms)
                        + ": group or others may read it; refused (chmod 600 " + file + ")");
            }
            if (!Files.isReadable(file)) {
                return Optional.of("password.file " + file + " is not readable by this process");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String first = lines.isEmpty() ? "" : lines.get(0);
            if (first.isEmpty()) {
                return Optional.of("password.file " + file + " is empty (its first line is the password)");
            }
            if (first.getBytes(StandardCharsets.UTF_8).length > 20) {
                return Optional.of("password.file " + file + ": the password (first line) is longer than IPMI "
                        + "v2.0's 20 bytes");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("password.file " + file + " cannot be checked: " + e.getMessage());
        }
    }

    static Optional<Bmc> parseBmc(String v, String key, List<String> problems) {
        String host;
        String port = null;
        Matcher m = BRACKETED.matcher(v);
        if (m.matches()) {
            host = m.group(1);
            port = m.group(2);
        } else if (v.chars().filter(c -> c == ':').count() == 1) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        } else {
            host = v;
        }
        if (host.isEmpty() || host.length() > 253 || !HOST.matcher(host).matches()) {
            problems.add(key + ": '" + v + "' is not a host name or IP address (host, host:port, or [v6]:port)");
            return Optional.empty();
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                problems.add(key + ": port '" + port + "' in '" + v + "' is not 1 to 65535");
                return Optional.empty();
            }
        }
        return Optional.of(new Bmc(host, p));
    }

    private static Path absolute(String v, String key, List<String> problems) {
        Path path = Path.of(v.trim());
        if (!path.isAbsolute()) {
            problems.add(key + ": '" + v + "' must be an absolute path");
            return null;
        }
        return path;
    }

    private static int integer(Map<String, String> p, String key, int dflt, int min, int max, String what,
                               List<String> problems) {
        String v = p.getOrDefault(key, "").trim();
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + v + "' must be " + what);
        return dflt;
    }

    private static Duration duration(Map<String, String> p, String key, Duration dflt, List<String> problems) {
        String v = p.getOrDefault(key, "").trim();
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            Duration d = Tokens.duration(v, key);
            if (d.isNegative() || d.isZero()) {
                problems.add(key + ": must be positive, was " + v);
                return dflt;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return dflt;
        }
    }
}
