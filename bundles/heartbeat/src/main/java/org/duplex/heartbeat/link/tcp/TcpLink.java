package org.duplex.heartbeat.link.tcp;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.duplex.heartbeat.link.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP heartbeat for networks that drop UDP. Each node listens on its local address and keeps one outgoing
 * connection per peer, used only to send; frames are prefixed by a 2-byte big-endian length.
 *
 * <p>Outgoing connections are non-blocking so a hung peer can never stall the sender thread: a connect that does
 * not finish within the dead time, or a frame the socket buffer cannot take whole, drops the connection and it is
 * retried with exponential back-off (interval doubling up to 5 s).
 */
public final class TcpLink implements Link {

    private static final Logger LOG = LoggerFactory.getLogger(TcpLink.class);
    private static final long MAX_BACKOFF_MS = 5000;
    private final LinkConfig config;
    private final LongSupplier millis;
    private final List<Outbound> outbound = new ArrayList<>();
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    public TcpLink(LinkConfig config) {
        this(config, () -> System.nanoTime() / 1_000_000L);
    }

    TcpLink(LinkConfig config, LongSupplier millis) {
        this.config = config;
        this.millis = millis;
        for (PeerAddress p : config.peers()) {
            p.address().ifPresent(a -> outbound.add(new Outbound(p, a)));
        }
    }

    @Override
    public LinkConfig config() {
        return config;
    }

    @Override
    public void start(LinkContext context) throws IOException {
        InetSocketAddress bindTo = new InetSocketAddress(InetAddress.getByName(config.localAddress()), config.port());
        server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(bindTo, 64);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on TCP " + bindTo.getHostString() + ":" + config.port() + ": "
                    + e.getMessage() + " (is local.address an address of this host, is the port free?)", e);
        }
        acceptor = new Thread(() -> acceptLoop(context), "duplex-hb-tcp-accept-" + config.name());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(LinkContext context) {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                // A connection silent for this long is gone; the peer reconnects when it sends again.
                s.setSoTimeout((int) Math.max(10_000, 5 * config.timing().dead().toMillis()));
                inbound.add(s);
                Thread t = new Thread(() -> readLoop(s, context),
                        "duplex-hb-tcp-read-" + config.name() + "-" + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("heartbeat link {}: accept failed: {}", config.name(), e.toString());
                    sleepQuietly(200);
                }
            }
        }
    }

    private void readLoop(Socket s, LinkContext context) {
        String source = s.getInetAddress().getHostAddress() + ":" + s.getPort();
        byte[] buf = new byte[FrameCodec.MAX_FRAME];
        try (s; DataInputStream in = new DataInputStream(s.getInputStream())) {
            while (!closed) {
                int len = in.readUnsignedShort();
                if (len > FrameCodec.MAX_FRAME) {
                    // The stream cannot be trusted to be in sync any more: drop the connection.
                    context.rejected(RejectReason.OVERSIZED, source, "length prefix " + len);
                    return;
                }
                in.readFully(buf, 0, len);
                context.received(buf, 0, len, source);
            }
        } catch (EOFException | SocketTimeoutException e) {
            LOG.debug("heartbeat link {}: connection from {} ended", config.name(), source);
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("heartbeat link {}: connection from {} failed: {}", config.name(), source, e.toString());
            }
        } finally {
            inbound.remove(s);
        }
    }

    @Override
    public void send(byte[] frame) {
        ByteBuffer msg = ByteBuffer.allocate(2 + frame.length);
        msg.putShort((short) frame.length).put(frame).flip();
        long now = millis.getAsLong();
        for (Outbound o : outbound) {
            o.send(msg.duplicate(), now);
        }
    }

    @Override
    public String describe() {
        long connected = outbound.stream().filter(o -> o.state == State.CONNECTED).count();
        StringBuilder b = new StringBuilder("listening " + config.localAddress() + ":" + config.port() + ", "
                + connected + "/" + outbound.size() + " outgoing connected, " + inbound.size() + " incoming");
        for (Outbound o : outbound) {
            if (o.state != State.CONNECTED && !o.lastError.isEmpty()) {
                b.append("; ").append(o.peer.node()).append(": ").append(o.lastError);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.debug("closing server socket", e);
        }
        for (Socket s : inbound) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing inbound socket", e);
            }
        }
        synchronized (outbound) {
            outbound.forEach(Outbound::disconnect);
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private enum State { IDLE, CONNECTING, CONNECTED }

    private final class Outbound {
        final PeerAddress peer;
        final InetSocketAddress address;
        SocketChannel channel;
        volatile State state = State.IDLE;
        long nextAttempt;
        long connectDeadline;
        long backoff = config.timing().interval().toMillis();
        volatile String lastError = "";

        Outbound(PeerAddress peer, InetSocketAddress address) {
            this.peer = peer;
            this.address = address;
        }

        void send(ByteBuffer msg, long now) {
            if (closed) {
                return;
            }
            try {
                if (state == State.IDLE) {
                    if (now < nextAttempt) {
                        return;
                    }
                    channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.bind(new InetSocketAddress(InetAddress.getByName(config.localAddress()), 0));
                    state = channel.connect(address) ? State.CONNECTED : State.CONNECTING;
                    connectDeadline = now + config.timing().dead().toMillis();
                }
                if (state == State.CONNECTING) {
                    if (!channel.finishConnect()) {
                        if (now > connectDeadline) {
                            fail(now, "connect timed out");
                        }
                        return;
                    }
                    state = State.CONNECTED;
                }
                if (state == State.CONNECTED) {
                    channel.write(msg);
                    if (msg.hasRemaining()) {
                        fail(now, "peer not reading (send buffer full)");
                        return;
                    }
                    if (!lastError.isEmpty()) {
                        LOG.info("heartbeat link {}: connected to {} ({})", config.name(), peer.node(), address);
                    }
                    backoff = config.timing().interval().toMillis();
                    lastError = "";
                }
            } catch (IOException e) {
                fail(now, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }

        void fail(long now, String why) {
            if (lastError.isEmpty()) {
                LOG.info("heartbeat link {}: connection to {} ({}) lost: {}; retrying with back-off", config.name(),
                        peer.node(), address, why);
            }
            lastError = why;
            disconnect();
            nextAttempt = now + backoff;
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }

        void disconnect() {
            state = State.IDLE;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.debug("closing channel", e);
                }
                channel = null;
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
