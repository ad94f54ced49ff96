package org.duplex.heartbeat.link;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

import org.duplex.api.model.NodeId;

/** A peer of a link: its node id and, for IP links, its address ("node2=10.0.0.2:7400"). */
public record PeerAddress(NodeId node, Optional<InetSocketAddress> address) {

    public PeerAddress {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
    }

    /** Parses "node2" or "node2=host:port" ("[::1]:7400" for IPv6). */
    public static PeerAddress parse(String spec) {
        String s = spec.trim();
        int eq = s.indexOf('=');
        if (eq < 0) {
            return new PeerAddress(NodeId.of(s), Optional.empty());
        }
        NodeId id = NodeId.of(s.substring(0, eq).trim());
        String hp = s.substring(eq + 1).trim();
        int colon = hp.lastIndexOf(':');
        if (colon <= 0 || colon == hp.length() - 1) {
            throw new IllegalArgumentException("peer '" + spec + "': expected node=host:port");
        }
        String host = hp.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hp.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer '" + spec + "': port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer '" + spec + "': port out of range");
        }
        return new PeerAddress(id, Optional.of(new InetSocketAddress(host, port)));
    }

    @Override
    public String toString() {
        return address.map(a -> node + "=" + a.getHostString() + ":" + a.getPort()).orElse(node.toString());
    }
}
