package org.duplex.mirror.fence;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.duplex.mirror.engine.PeerFencer;
import org.duplex.mirror.replication.Frame;
import org.duplex.mirror.replication.FrameReader;
import org.duplex.mirror.replication.FrameType;
import org.duplex.mirror.replication.FrameWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the peer primary's outdate requests on the fencing path (a TCP port on the cluster interface, not the
 * replication NIC). One request per connection, each connection bounded by {@code timeout}.
 */
public final class FenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FenceServer.class);

    private final ServerSocket listener;
    private final byte[] key;
    private final Duration timeout;
    private final Function<PeerFencer.OutdateRequest, PeerFencer.Result> handler;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    /**
     * @param key     cluster key (HMAC of every frame), null = unauthenticated
     * @param handler the local volume's {@code outdateByPeer}
     */
    public FenceServer(String address, int port, byte[] key, Duration timeout,
                       Function<PeerFencer.OutdateRequest, PeerFencer.Result> handler) throws IOException {
        this.key = key;
        this.timeout = timeout;
        this.handler = handler;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        try {
            listener.bind(new InetSocketAddress(InetAddress.getByName(address), port), 8);
        } catch (IOException e) {
            listener.close();
            throw new IOException("fencing path: cannot listen on " + address + ":" + port + " (" + e.getMessage()
                    + "); give every volume its own fence.port", e);
        }
        Thread t = new Thread(this::acceptLoop, "mirror-fence-server-" + port);
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "mirror-fence-request");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("fencing path: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            FrameReader reader = new FrameReader(new BufferedInputStream(s.getInputStream()),
                    FenceProtocol.MAX_PAYLOAD);
            FrameWriter writer = new FrameWriter(s.getOutputStream());
            if (key != null) {
                reader.setKey(key);
                writer.setKey(key);
            }
            Frame hello = reader.expect(FrameType.FENCE_HELLO);
            if (hello.payload().length != FenceProtocol.NONCE_BYTES) {
                throw new IOException("malformed FENCE_HELLO");
            }
            byte[] nonce = new byte[FenceProtocol.NONCE_BYTES];
            random.nextBytes(nonce);
            writer.send(FrameType.FENCE_HELLO, 0, nonce);
            if (key != null) {
                byte[] session = FenceProtocol.sessionKey(key, hello.payload(), nonce);
                reader.setKey(session);
                writer.setKey(session);
            }
            Frame req = reader.expect(FrameType.FENCE_OUTDATE);
            Optional<PeerFencer.OutdateRequest> r = FenceProtocol.decodeRequest(req.payload());
            if (r.isEmpty()) {
                throw new IOException("malformed FENCE_OUTDATE");
            }
            PeerFencer.Result result = handler.apply(r.get());
            LOG.info("fencing path: {} asked to outdate volume {} (epoch {}): {} {}", s.getRemoteSocketAddress(),
                    r.get().volume(), r.get().primaryEpoch(), result.outcome(), result.detail());
            writer.send(FrameType.FENCE_RESULT, 0, FenceProtocol.encodeResult(result));
        } catch (IOException | RuntimeException e) {
            LOG.warn("fencing path: request from {} failed: {}", s.getRemoteSocketAddress(), e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
