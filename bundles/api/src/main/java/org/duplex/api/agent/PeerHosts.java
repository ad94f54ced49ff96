package org.duplex.api.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code hosts} parameter of a replicated resource, {@code hosts=node1:10.0.0.1,node2:db2:5433}: where each
 * node's copy answers (the resource's port by default). Shared by the database plug-ins, whose promotable agents
 * must reach the primary's server to follow it.
 */
public final class PeerHosts {

    /** Where one node's copy answers. */
    public record Address(String host, int port) {
        public Address {
            Objects.requireNonNull(host, "host");
        }
    }

    public static final String PARAM = "hosts";

    private PeerHosts() {
    }

    /**
     * Node to address, in the order given; every malformed item is left out and adds a problem naming the
     * parameter and the item. Absent or blank: empty.
     */
    public static Map<String, Address> parse(Map<String, String> params, int defaultPort, List<String> problems) {
        Map<String, Address> out = new LinkedHashMap<>();
        String spec = params.get(PARAM);
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String item : spec.split(",")) {
            String[] parts = item.strip().split(":");
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()) {
                problems.add("hosts: 'node:host[:port]' items separated by commas, was '" + item.strip() + "'");
                continue;
            }
            int port = defaultPort;
            if (parts.length == 3) {
                try {
                    port = Integer.parseInt(parts[2]);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    problems.add("hosts: port of " + parts[0] + " must be 1-65535, was '" + parts[2] + "'");
                    continue;
                }
            }
            if (!parts[1].matches("[A-Za-z0-9_.-]{1,253}")) {
                problems.add("hosts: host of " + parts[0] + " must be a name or IPv4 address, was '" + parts[1] + "'");
                continue;
            }
            out.put(parts[0].strip(), new Address(parts[1], port));
        }
        return out;
    }
}
