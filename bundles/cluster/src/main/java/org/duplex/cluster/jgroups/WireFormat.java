package org.duplex.cluster.jgroups;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.duplex.cluster.core.ClusterMessage;

/** Cluster messages on the wire: JSON {"t": type, "m": message} (small, versionable, readable in a capture). */
final class WireFormat {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Class<? extends ClusterMessage>> TYPES = Map.of(
            "hello", ClusterMessage.Hello.class,
            "term", ClusterMessage.NewTerm.class,
            "ack", ClusterMessage.TermAck.class,
            "commit", ClusterMessage.ConfigCommit.class,
            "propose", ClusterMessage.ConfigProposal.class);

    private WireFormat() {
    }

    static byte[] encode(ClusterMessage m) {
        String type = TYPES.entrySet().stream().filter(e -> e.getValue() == m.getClass()).findFirst()
                .orElseThrow().getKey();
        ObjectNode root = JSON.createObjectNode();
        root.put("t", type);
        root.set("m", JSON.valueToTree(m));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
    }

    static ClusterMessage decode(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        Class<? extends ClusterMessage> type = TYPES.get(root.path("t").asText());
        if (type == null) {
            throw new IOException("unknown cluster message type '" + root.path("t").asText() + "'");
        }
        return JSON.treeToValue(root.get("m"), type);
    }
}
