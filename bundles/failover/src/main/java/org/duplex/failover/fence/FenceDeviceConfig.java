package org.duplex.failover.fence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.failover.config.Tokens;

/**
 * One fencing device as configured in {@code etc/org.duplex.failover.fence-<name>.cfg} (factory PID
 * {@value #FACTORY_PID}). Common keys: {@code type}, {@code nodes}, {@code timeout}, {@code retry.interval},
 * {@code level}; every other key is a type parameter (exec: {@code command}; ipmi: {@link IpmiSettings}).
 *
 * @param name          the device's name (the file's suffix, or {@code name =})
 * @param type          {@code exec} or {@code ipmi} ({@link FenceDeviceTypes})
 * @param nodes         the nodes this device can fence, in the order written
 * @param timeout       bound on one action; the command is killed after it
 * @param retryInterval after a failed fence, how long before the engine tries again
 * @param level         the fencing level (Pacemaker's fencing topology): a node's devices are tried level 1 first,
 *                      then level 2 when every level-1 device failed or timed out, and so on; in name order within
 *                      a level. Default 1, so devices without a level keep the old name-order behaviour
 * @param params        the type's own keys
 */
public record FenceDeviceConfig(String name, String type, List<NodeId> nodes, Duration timeout,
                                Duration retryInterval, int level, Map<String, String> params) {

    public static final String FACTORY_PID = "org.duplex.failover.fence";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);
    public static final int DEFAULT_LEVEL = 1;
    public static final int MAX_LEVEL = 9;

    private static final Set<String> COMMON = Set.of("name", "type", "nodes", "timeout", "retry.interval",
            "level");
    /** Keys ConfigAdmin, File Install and DS add; not the user's. */
    private static final Set<String> FRAMEWORK = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "component.name", "component.id", "objectClass", "service.id",
            "service.scope", "service.bundleid", "osgi.ds.satisfying.condition.target");

    public FenceDeviceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (level < 1 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be 1.." + MAX_LEVEL + ", was " + level);
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public boolean covers(NodeId node) {
        return nodes.contains(node);
    }

    public String param(String key) {
        return params.getOrDefault(key, "");
    }

    /**
     * Reads a configuration dictionary. Every problem is reported at once, naming the file (or PID) it came from.
     *
     * @throws IllegalArgumentException what is wrong and where
     */
    public static FenceDeviceConfig parse(Map<String, ?> props) {
        String where = where(props);
        List<String> problems = new ArrayList<>();
        String name = str(props, "name");
        if (name.isBlank()) {
            name = nameFromSource(props);
        }
        String type = str(props, "type").toLowerCase(Locale.ROOT);
        if (type.isBlank()) {
            problems.add("type is missing (type = exec, ipmi or sbd)");
        }
        List<NodeId> nodes = new ArrayList<>();
        for (String n : str(props, "nodes").split(",")) {
            if (!n.isBlank()) {
                try {
                    nodes.add(NodeId.of(n.trim()));
                } catch (IllegalArgumentException e) {
                    problems.add("nodes: '" + n.trim() + "' is not a node id (" + e.getMessage() + ")");
                }
            }
        }
        if (nodes.isEmpty() && problems.stream().noneMatch(p -> p.startsWith("nodes"))) {
            problems.add("nodes is missing: list the nodes this device can fence (nodes = node1,node2)");
        }
        Duration timeout = duration(props, "timeout", DEFAULT_TIMEOUT, problems);
        Duration retry = duration(props, "retry.interval", DEFAULT_RETRY, problems);
        int level = DEFAULT_LEVEL;
        String lv = str(props, "level");
        if (!lv.isBlank()) {
            try {
                level = Integer.parseInt(lv);
            } catch (NumberFormatException e) {
                level = -1;
            }
            if (level < 1 || level > MAX_LEVEL) {
                problems.add("level: must be a whole number from 1 to " + MAX_LEVEL + " (1 is tried first), was '"
                        + lv + "'");
                level = DEFAULT_LEVEL;
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (!COMMON.contains(k) && !FRAMEWORK.contains(k) && !frameworkPrefix(k) && v != null) {
                params.put(k, String.valueOf(v).trim());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("fencing device " + where + ": " + String.join("; ", problems));
        }
        return new FenceDeviceConfig(name, type, nodes, timeout, retry, level, params);
    }

    /** The file the configuration came from, else its PID: for error messages. */
    public static String where(Map<String, ?> props) {
        String file = str(props, "felix.fileinstall.filename");
        if (!file.isBlank()) {
            return file.replaceFirst("^file:", "");
        }
        String pid = str(props, "service.pid");
        return pid.isBlank() ? "(" + FACTORY_PID + ")" : pid;
    }

    private static String nameFromSource(Map<String, ?> props) {
        String file = str(props, "felix.fileinstall.filename");
        String base = file.substring(file.lastIndexOf('/') + 1);
        String prefix = FACTORY_PID + "-";
        if (base.startsWith(prefix) && base.endsWith(".cfg") && base.length() > prefix.length() + 4) {
            return base.substring(prefix.length(), base.length() - 4);
        }
        String pid = str(props, "service.pid");
        if (pid.startsWith(FACTORY_PID + "~")) {
            return pid.substring(FACTORY_PID.length() + 1); // Configurator/factory alias: org.duplex.failover.fence~ipmi1
        }
        return pid.isBlank() ? "fence" : pid;
    }

    private static boolean frameworkPrefix(String key) {
        return key.startsWith("felix.") || key.startsWith("org.apache.felix.") || key.startsWith("service.")
                || key.startsWith("component.") || key.startsWith(".");
    }

    private static Duration duration(Map<String, ?> props, String key, Duration dflt, List<String> problems) {
        String v = str(props, key);
        if (v.isBlank()) {
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

    private static String str(Map<String, ?> props, String key) {
        Object v = props.get(key);
        return v == null ? "" : String.valueOf(v).trim();
    }
}
