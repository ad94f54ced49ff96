package org.duplex.heartbeat.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.LinkTiming;

/**
 * One link's configuration (a factory configuration of PID {@code org.duplex.heartbeat.link}). Fields not used by
 * the link's type are ignored.
 *
 * @param name           link name, shown in events and used as the frame stream ("udp0", "serial0", "disk")
 * @param type           udp, tcp, serial or disk
 * @param timing         interval / warn / dead times
 * @param localAddress   udp/tcp: the local address to bind (the heartbeat NIC)
 * @param port           udp/tcp: local port (peers use their own port from {@code peers})
 * @param peers          udp/tcp: node=host:port; serial: node ids (one, the other end of the cable)
 * @param multicastGroup udp: send to this group instead of unicast (empty: unicast)
 * @param device         serial: device path ("/dev/ttyS0")
 * @param baud           serial: baud rate (8N1)
 * @param path           disk: shared file or block device
 * @param slotSize       disk: bytes per node slot (multiple of 512)
 * @param slots          disk: node ids in slot order, identical on every node (this node included)
 * @param nodeCount      disk: number of slots in the layout (at least the number of slots listed)
 * @param directIo       disk: "auto" (O_DIRECT on block devices), "true" or "false"
 * @param receiveBatchMillis udp: 0 wakes the receiver per datagram; above 0 it drains the queue that often
 */
public record LinkConfig(String name, LinkKind type, LinkTiming timing, String localAddress, int port,
        List<PeerAddress> peers, Optional<String> multicastGroup, String device, int baud, String path, int slotSize,
        List<NodeId> slots, int nodeCount, String directIo, long receiveBatchMillis) {

    public static final String FACTORY_PID = "org.duplex.heartbeat.link";
    public static final int DEFAULT_PORT = 7400;
    public static final int DEFAULT_BAUD = 19200;
    public static final int DEFAULT_SLOT_SIZE = 4096;
    public static final long DEFAULT_RECEIVE_BATCH_MS = 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    public LinkConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timing, "timing");
        peers = List.copyOf(peers);
        slots = List.copyOf(slots);
    }

    /** Peer node ids of this link, given this node's id (disk: every slot but ours). */
    public List<NodeId> peerIds(NodeId self) {
        List<NodeId> ids = new ArrayList<>();
        if (type == LinkKind.DISK) {
            slots.stream().filter(n -> !n.equals(self)).forEach(ids::add);
        } else {
            peers.stream().map(PeerAddress::node).filter(n -> !n.equals(self)).forEach(ids::add);
        }
        return ids;
    }

    /**
     * Parses ConfigAdmin properties. Throws IllegalArgumentException naming the property and what is expected.
     */
    public static LinkConfig parse(Map<String, ?> p) {
        String name = str(p, "name", "");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("heartbeat link: 'name' must be 1-32 letters, digits, '.', '_' or '-'"
                    + " (got '" + name + "')");
        }
        String t = str(p, "type", "").toUpperCase(Locale.ROOT);
        LinkKind type;
        try {
            type = LinkKind.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("heartbeat link " + name + ": 'type' must be udp, tcp, serial or disk"
                    + " (got '" + t.toLowerCase(Locale.ROOT) + "')");
        }
        try {
            LinkTiming timing = new LinkTiming(Duration.ofMillis(num(p, "interval.ms", 200)),
                    Duration.ofMillis(num(p, "warn.ms", 400)), Duration.ofMillis(num(p, "dead.ms", 600)));
            List<PeerAddress> peers = list(p, "peers").stream().map(PeerAddress::parse).toList();
            List<NodeId> slots = list(p, "slots").stream().map(NodeId::of).toList();
            String group = str(p, "multicast.group", "");
            LinkConfig c = new LinkConfig(name, type, timing, str(p, "local.address", "0.0.0.0"),
                    (int) num(p, "port", DEFAULT_PORT), peers, group.isEmpty() ? Optional.empty() : Optional.of(group),
                    str(p, "device", ""), (int) num(p, "baud", DEFAULT_BAUD), str(p, "path", ""),
                    (int) num(p, "slot.size", DEFAULT_SLOT_SIZE), slots, (int) num(p, "node.count", slots.size()),
                    str(p, "direct.io", "auto"), num(p, "receive.batch.ms", DEFAULT_RECEIVE_BATCH_MS));
            c.validate();
            return c;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("heartbeat link " + name + ": " + e.getMessage(), e);
        }
    }

    private void validate() {
        switch (type) {
            case UDP, TCP -> {
                if (receiveBatchMillis < 0 || receiveBatchMillis > timing.interval().toMillis() / 2) {
                    throw new IllegalArgumentException("'receive.batch.ms' must be between 0 and half the interval");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("'port' must be 1-65535");
                }
                if (peers.isEmpty()) {
                    throw new IllegalArgumentException("'peers' is empty: list node=host:port for each peer");
                }
                boolean needAddresses = type == LinkKind.TCP || multicastGroup.isEmpty();
                for (PeerAddress a : peers) {
                    if (needAddresses && a.address().isEmpty()) {
                        throw new IllegalArgumentException("peer " + a.node() + " has no address: use "
                                + a.node() + "=host:port");
                    }
                }
            }
            case SERIAL -> {
                if (device.isEmpty()) {
                    throw new IllegalArgumentException("'device' is empty: the serial port path, e.g. /dev/ttyS0");
                }
                if (baud < 1200 || baud > 921600) {
                    throw new IllegalArgumentException("'baud' " + baud + " is out of range 1200-921600");
                }
                if (peers.size() != 1) {
                    throw new IllegalArgumentException("'peers' must name exactly one node: the other end of the cable");
                }
            }
            case DISK -> {
                if (path.isEmpty()) {
                    throw new IllegalArgumentException("'path' is empty: the shared file or block device");
                }
                if (slotSize < 512 || slotSize % 512 != 0 || slotSize > 65536) {
                    throw new IllegalArgumentException("'slot.size' must be a multiple of 512 up to 65536");
                }
                if (slots.size() < 2) {
                    throw new IllegalArgumentException("'slots' must list every node in slot order (at least two)");
                }
                if (nodeCount < slots.size() || nodeCount > 255) {
                    throw new IllegalArgumentException("'node.count' must be between the number of slots and 255");
                }
                if (!List.of("auto", "true", "false").contains(directIo)) {
                    throw new IllegalArgumentException("'direct.io' must be auto, true or false");
                }
            }
            default -> throw new IllegalArgumentException("unsupported type " + type);
        }
    }

    private static String str(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        return v == null ? dflt : v.toString().trim();
    }

    private static long num(Map<String, ?> p, String key, long dflt) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number (got '" + v + "')");
        }
    }

    /** A list property: a String[] or Collection, or one String; items may also be comma-separated. */
    public static List<String> list(Map<String, ?> p, String key) {
        Object v = p.get(key);
        List<String> raw = new ArrayList<>();
        if (v instanceof String[] a) {
            raw.addAll(Arrays.asList(a));
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> raw.add(String.valueOf(x)));
        } else if (v != null) {
            raw.add(v.toString());
        }
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String item : r.split("[,\\s]+")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return out;
    }
}
