package org.duplex.heartbeat.link.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

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
 *
 * <p>With {@code receive.batch.ms} above zero the receiver sleeps in a selector until a datagram is queued, drains
 * every queued datagram, then waits that long before looking again, instead of waking once per datagram: with many
 * peers this saves most of the CPU (wake-ups dominate the cost), at the price of up to that much delay and jitter
 * resolution. An idle link (no peer sending) costs no wake-ups at all.
 */
public final class UdpLink implements Link {

    private static final Logger LOG = LoggerFactory.getLogger(UdpLink.class);
    private final LinkConfig config;
    private DatagramChannel channel;
    private Selector selector;
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
        DatagramChannel ch = null;
        try {
            if (config.multicastGroup().isPresent()) {
                InetAddress g = InetAddress.getByName(config.multicastGroup().get());
                if (!g.isMulticastAddress()) {
                    throw new IOException("multicast.group " + g.getHostAddress() + " is not a multicast address");
                }
                ch = DatagramChannel.open(g instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(config.port()));
                NetworkInterface nif = local.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(local);
                if (nif == null) {
                    throw new IOException("multicast needs local.address set to an address of the heartbeat NIC");
                }
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1); // heartbeats never leave the segment
                ch.join(g, nif);
                group = new InetSocketAddress(g, config.port());
            } else {
                ch = DatagramChannel.open();
                ch.bind(bindTo);
            }
            ch.configureBlocking(config.receiveBatchMillis() == 0);
            if (config.receiveBatchMillis() > 0) {
                selector = Selector.open();
                ch.register(selector, SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            if (ch != null) {
                ch.close();
            }
            if (selector != null) {
                selector.close();
            }
            throw new IOException("cannot bind UDP " + bindTo.getHostString() + ":" + config.port() + ": "
                    + e.getMessage() + " (is local.address an address of this host, is the port free?)", e);
        }
        channel = ch;
        receiver = new Thread(() -> receiveLoop(context), "duplex-hb-udp-" + config.name());
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receiveLoop(LinkContext context) {
        ByteBuffer buf = ByteBuffer.allocate(FrameCodec.MAX_FRAME + 1);
        long batch = config.receiveBatchMillis();
        while (!closed) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from == null) {
                    // non-blocking mode and the queue drained: let the next batch gather, then sleep until one is due
                    Thread.sleep(batch);
                    selector.selectedKeys().clear();
                    selector.select();
                    continue;
                }
                String source = from instanceof InetSocketAddress a
                        ? a.getAddress().getHostAddress() + ":" + a.getPort() : from.toString();
                if (buf.position() > FrameCodec.MAX_FRAME) {
                    context.rejected(RejectReason.OVERSIZED, source, "datagram longer than " + FrameCodec.MAX_FRAME);
                    continue;
                }
                context.received(buf.array(), 0, buf.position(), source);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("heartbeat link {}: UDP receive failed: {}", config.name(), e.toString());
                    sleepQuietly(100);
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return; // the selector was closed under select()
                }
                LOG.error("heartbeat link {}: receive loop error", config.name(), e);
            }
        }
    }

    @Override
    public void send(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (group != null) {
            sendTo(b, group);
            return;
        }
        for (PeerAddress peer : config.peers()) {
            if (peer.address().isPresent()) {
                sendTo(b.duplicate(), peer.address().get());
            }
        }
    }

    private void sendTo(ByteBuffer frame, InetSocketAddress to) {
        try {
            channel.send(frame, to);
            lastSendError = "";
        } catch (IOException e) {
            // ICMP unreachable from a stopped peer shows up here; noticing silence is the detector's job.
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

    @Override
    public void close() {
        closed = true;
        try {
            if (selector != null) {
                selector.close(); // wakes the receiver out of select()
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing UDP channel", e);
        }
        if (receiver != null) {
            receiver.interrupt();
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
