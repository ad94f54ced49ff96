package org.duplex.heartbeat.link.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;

import java.util.Optional;

import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.duplex.heartbeat.link.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP heartbeat: one datagram per frame, unicast to every peer's address, or once to a multicast group. The socket
 * is bound to the configured local address, so frames leave through the heartbeat NIC.
 */
public final class UdpLink implements Link {

    private static final Logger LOG = LoggerFactory.getLogger(UdpLink.class);
    private final LinkConfig config;
    private DatagramSocket socket;
    private InetSocketAddress group;
    private Thread receiver;
    private volatile boolean closed;
    private volatile String lastSendError = "";

    public UdpLink(LinkConfig config) {
        this.config = config;
    }

    @Override
    public LinkConfig config() {
        return config;
    }

    @Override
    public void start(LinkContext context) throws IOException {
        InetAddress local = InetAddress.getByName(config.localAddress());
        InetSocketAddress bindTo = new InetSocketAddress(local, config.port());
        try {
            if (config.multicastGroup().isPresent()) {
                InetAddress g = InetAddress.getByName(config.multicastGroup().get());
                if (!g.isMulticastAddress()) {
                    throw new IOException("multicast.group " + g.getHostAddress() + " is not a multicast address");
                }
                MulticastSocket ms = new MulticastSocket(new InetSocketAddress(config.port()));
                NetworkInterface nif = local.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(local);
                if (nif != null) {
                    ms.setNetworkInterface(nif);
                }
                group = new InetSocketAddress(g, config.port());
                ms.joinGroup(group, nif);
                ms.setTimeToLive(1); // heartbeats never leave the segment
                socket = ms;
            } else {
                socket = new DatagramSocket(bindTo);
            }
        } catch (SocketException e) {
            throw new IOException("cannot bind UDP " + bindTo.getHostString() + ":" + config.port() + ": "
                    + e.getMessage() + " (is local.address an address of this host, is the port free?)", e);
        }
        receiver = new Thread(() -> receiveLoop(context), "duplex-hb-udp-" + config.name());
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receiveLoop(LinkContext context) {
        byte[] buf = new byte[FrameCodec.MAX_FRAME + 1];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                String source = p.getAddress().getHostAddress() + ":" + p.getPort();
                if (p.getLength() > FrameCodec.MAX_FRAME) {
                    context.rejected(RejectReason.OVERSIZED, source, "datagram longer than " + FrameCodec.MAX_FRAME);
                    continue;
                }
                context.received(buf, 0, p.getLength(), source);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("heartbeat link {}: UDP receive failed: {}", config.name(), e.toString());
                    sleepQuietly(100);
                }
            } catch (RuntimeException e) {
                LOG.error("heartbeat link {}: receive loop error", config.name(), e);
            }
        }
    }

    @Override
    public void send(byte[] frame) {
        if (group != null) {
            sendTo(frame, group);
            return;
        }
        for (PeerAddress peer : config.peers()) {
            peer.address().ifPresent(a -> sendTo(frame, a));
        }
    }

    private void sendTo(byte[] frame, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(frame, frame.length, to));
            lastSendError = "";
        } catch (IOException e) {
            // ICMP unreachable from a stopped peer shows up here; it is the detector's job to notice silence.
            lastSendError = to + ": " + e.getMessage();
        }
    }

    @Override
    public String describe() {
        String base = group != null ? "multicast " + group.getHostString() + ":" + group.getPort()
                : "unicast from " + config.localAddress() + ":" + config.port() + " to " + config.peers().size()
                        + " peer(s)";
        return lastSendError.isEmpty() ? base : base + "; last send error " + lastSendError;
    }

    /** For tests: the bound local port (useful with port 0). */
    public Optional<Integer> boundPort() {
        return Optional.ofNullable(socket).map(DatagramSocket::getLocalPort);
    }

    @Override
    public void close() {
        closed = true;
        if (socket != null) {
            socket.close();
        }
        if (receiver != null) {
            try {
                receiver.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
