package org.duplex.cluster.jgroups;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.duplex.cluster.core.ClusterMessage;

/**
 * Cluster messages on the wire: JSON {"v": version, "t": type, "m": message} (small, versionable, readable in a
 * capture). A message without "v" is version 1 (what nodes before the version field sent); a newer major version
 * is dropped, never guessed at.
 *
 * <p>Within version 1, additions are tolerated so that builds of different protocol levels run side by side: a
 * field this build does not know is ignored, and a message type it does not know is dropped and reported as
 * {@link Decoded#unknownType()} (a newer build's; the receiver logs it once). What an older build must not drop is
 * gated by the protocol level instead ({@link org.duplex.cluster.protocol.ProtocolVersion}).
 */
public final class WireFormat {

    /** The wire version this node writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .typeFactory(org.duplex.cluster.config.ConfigCodec.ownTypes())
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Map<String, Class<? extends ClusterMessage>> TYPES = Map.ofEntries(
            Map.entry("hello", ClusterMessage.Hello.class),
            Map.entry("term", ClusterMessage.NewTerm.class),
            Map.entry("ack", ClusterMessage.TermAck.class),
            Map.entry("commit", ClusterMessage.ConfigCommit.class),
            Map.entry("propose", ClusterMessage.ConfigProposal.class),
            Map.entry("order", ClusterMessage.ExecOrder.class),
            Map.entry("report", ClusterMessage.ExecReport.class),
            Map.entry("plugins", ClusterMessage.PluginReport.class),
            Map.entry("opask", ClusterMessage.OperatorAsk.class),
            Map.entry("opanswer", ClusterMessage.OperatorAnswer.class));

    private WireFormat() {
    }

    public static byte[] encode(ClusterMessage m) {
        String type = TYPES.entrySet().stream().filter(e -> e.getValue() == m.getClass()).findFirst()
                .orElseThrow().getKey();
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("t", type);
        root.set("m", JSON.valueToTree(m));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
    }

    /** Total: any input gives a message or a reason, never an exception. */
    public static Decoded decode(byte[] bytes) {
        try {
            if (bytes == null || bytes.length == 0) {
                return Decoded.error("empty message");
            }
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                return Decoded.error("not a JSON object");
            }
            JsonNode v = root.get("v");
            if (v != null && (!v.isInt() || v.intValue() != VERSION)) {
                return Decoded.error("unsupported wire version " + v + " (this node speaks " + VERSION + ")");
            }
            Class<? extends ClusterMessage> type = TYPES.get(root.path("t").asText());
            if (type == null) {
                String t = root.path("t").asText();
                if (t.isEmpty() || t.length() > 32 || !t.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                    return Decoded.error("no valid message type");
                }
                return new Decoded(Optional.empty(), "unknown cluster message type '" + t + "' (from a newer build?)",
                        t);
            }
            JsonNode body = root.get("m");
            if (body == null || !body.isObject()) {
                return Decoded.error("message body missing");
            }
            ClusterMessage m = JSON.treeToValue(body, type);
            if (m == null || m.from() == null || m.viewId() == null) {
                return Decoded.error("message without sender or view");
            }
            return new Decoded(Optional.of(m), "", "");
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return Decoded.error(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * A decoded message, or why there is none.
     *
     * @param unknownType the type of a well-formed message this build does not know (a newer build's), or ""
     */
    public record Decoded(Optional<ClusterMessage> message, String error, String unknownType) {
        static Decoded error(String why) {
            return new Decoded(Optional.empty(), why, "");
        }
    }
}
