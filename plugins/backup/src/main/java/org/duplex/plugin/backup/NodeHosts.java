package org.duplex.plugin.backup;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code node.hosts = node1=host-a,node2=host-b} into host name to node id. */
final class NodeHosts {

    private NodeHosts() {
    }

    /** @throws IllegalArgumentException naming the bad entry */
    static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return m;
        }
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException("node.hosts: '" + e + "' is not node=hostname (e.g. "
                        + "node.hosts = node1=db-a.example.com,node2=db-b.example.com)");
            }
            m.put(e.substring(eq + 1).trim(), e.substring(0, eq).trim());
        }
        return m;
    }
}
