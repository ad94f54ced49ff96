package org.duplex.heartbeat.status;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.liveness.LinkState;

/**
 * The frame payload. The compact status (12 bytes) fits the serial budget; the full status adds link states.
 *
 * <pre>
 * compact: u16 load1 x 100 (0xFFFF unknown) | i8 memory % | i8 disk % | 8 bytes reserved
 * full:    compact | u8 entry count | per entry: u8 name length, name (ASCII), u8 LinkState ordinal
 * </pre>
 *
 * The reserved bytes held a digest of the sender's resource states that nobody read (dropped in issue 14). They
 * are sent as zeros and ignored on receipt, so the layout, and frame format version 1, stay as they were: frames
 * of nodes that still send a digest decode here, and these frames decode there (as a digest of 0, which such a
 * node already saw from a peer without a failover bundle).
 */
public final class StatusCodec {

    public static final int COMPACT_LENGTH = 12;
    /** Bytes 4-11 of the compact status: zeros when sent, skipped when read. */
    static final int RESERVED_LENGTH = 8;
    private static final int MAX_ENTRIES = 64;
    private static final LinkState[] STATES = LinkState.values();

    private StatusCodec() {
    }

    public static byte[] encodeCompact(NodeStatus s) {
        return compact(s, ByteBuffer.allocate(COMPACT_LENGTH)).array();
    }

    /** Full status, with as many link entries as fit {@code maxBytes} (bounded by the frame payload). */
    public static byte[] encodeFull(NodeStatus s, int maxBytes) {
        ByteBuffer b = ByteBuffer.allocate(maxBytes);
        compact(s, b);
        int countAt = b.position();
        b.put((byte) 0);
        int n = 0;
        for (Map.Entry<String, LinkState> e : s.links().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            if (name.length > 255 || n == MAX_ENTRIES || b.remaining() < name.length + 2) {
                break;
            }
            b.put((byte) name.length).put(name).put((byte) e.getValue().ordinal());
            n++;
        }
        b.put(countAt, (byte) n);
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private static ByteBuffer compact(NodeStatus s, ByteBuffer b) {
        int load = s.load1() < 0 ? 0xFFFF : (int) Math.min(0xFFFE, Math.round(s.load1() * 100));
        b.putShort((short) load);
        b.put((byte) clampPercent(s.memoryUsedPercent()));
        b.put((byte) clampPercent(s.diskUsedPercent()));
        b.put(new byte[RESERVED_LENGTH]);
        return b;
    }

    private static int clampPercent(int p) {
        return p < 0 ? -1 : Math.min(100, p);
    }

    /** Empty when the bytes are not a status (the frame is still a valid heartbeat). Never throws. */
    public static Optional<NodeStatus> decode(byte[] p) {
        if (p == null || p.length < COMPACT_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        int load = b.getShort() & 0xFFFF;
        int mem = b.get();
        int disk = b.get();
        b.position(b.position() + RESERVED_LENGTH);
        Map<String, LinkState> links = new LinkedHashMap<>();
        if (b.hasRemaining()) {
            int n = b.get() & 0xff;
            for (int i = 0; i < n; i++) {
                if (!b.hasRemaining()) {
                    return Optional.empty();
                }
                int len = b.get() & 0xff;
                if (b.remaining() < len + 1) {
                    return Optional.empty();
                }
                byte[] name = new byte[len];
                b.get(name);
                int st = b.get() & 0xff;
                if (st >= STATES.length) {
                    return Optional.empty();
                }
                links.put(new String(name, StandardCharsets.US_ASCII), STATES[st]);
            }
        }
        return Optional.of(new NodeStatus(load == 0xFFFF ? -1 : load / 100.0, mem, disk, links));
    }
}
