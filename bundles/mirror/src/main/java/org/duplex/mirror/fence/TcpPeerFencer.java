package org.duplex.mirror.fence;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import org.duplex.mirror.engine.PeerFencer;
import org.duplex.mirror.replication.Frame;
import org.duplex.mirror.replication.FrameReader;
import org.duplex.mirror.replication.FrameType;
import org.duplex.mirror.replication.FrameWriter;

/**
 * {@link PeerFencer} over a short TCP connection to the peer's {@link FenceServer} on the cluster interface.
 * A failed connect (refused, no route, connect timeout: nothing delivered) is UNREACHABLE, and so is a connection
 * whose server sends nothing at all within the answer limit (a stopped or hung peer process: the kernel accepted
 * the connection, but the request is only sent after the server's hello, so nothing was delivered). A connection
 * that gives no valid answer after that is NOT_CONFIRMED (the request may have arrived: retry).
 */
public final class TcpPeerFencer implements PeerFencer {
    private final String host;
    private final int port;
    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    private final Duration answerLimit;

    /** A peer server that does not start answering within the request's timeout counts as unreachable. */
    public TcpPeerFencer(String host, int port, byte[] key) {
        this(host, port, key, null);
    }

    /** @param answerLimit how long the server may take to start answering (null = the request's timeout) */
    public TcpPeerFencer(String host, int port, byte[] key, Duration answerLimit) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.answerLimit = answerLimit;
    }

    @Override
    public Result outdatePeer(OutdateRequest request, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            } catch (IOException e) {
                return Result.unreachable("fencing path " + host + ":" + port + ": " + e.getMessage());
            }
            long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            long firstMs = answerLimit == null ? leftMs : Math.max(1, Math.min(leftMs, answerLimit.toMillis()));
            s.setTcpNoDelay(true);
            BufferedInputStream in = new BufferedInputStream(s.getInputStream());
            FrameReader reader = new FrameReader(in, FenceProtocol.MAX_PAYLOAD);
            FrameWriter writer = new FrameWriter(s.getOutputStream());
            if (key != null) {
                reader.setKey(key);
                writer.setKey(key);
            }
            byte[] nonce = new byte[FenceProtocol.NONCE_BYTES];
            random.nextBytes(nonce);
            writer.send(FrameType.FENCE_HELLO, 0, nonce);
            s.setSoTimeout((int) firstMs);
            in.mark(1);
            try {
                if (in.read() < 0) {
                    return Result.notConfirmed("fencing path " + host + ":" + port + ": closed without answering");
                }
            } catch (SocketTimeoutException e) {
                return Result.unreachable("fencing path " + host + ":" + port + ": connected, but nothing answered "
                        + "within " + firstMs + " ms (peer process stopped or hung?); the request was not sent");
            }
            in.reset();
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            Frame hello = reader.expect(FrameType.FENCE_HELLO);
            if (hello.payload().length != FenceProtocol.NONCE_BYTES) {
                return Result.notConfirmed("malformed FENCE_HELLO from " + host + ":" + port);
            }
            if (key != null) {
                byte[] session = FenceProtocol.sessionKey(key, nonce, hello.payload());
                reader.setKey(session);
                writer.setKey(session);
            }
            writer.send(FrameType.FENCE_OUTDATE, 0, FenceProtocol.encodeRequest(request));
            Frame answer = reader.expect(FrameType.FENCE_RESULT);
            Optional<Result> r = FenceProtocol.decodeResult(answer.payload());
            return r.orElseGet(() -> Result.notConfirmed("malformed FENCE_RESULT from " + host + ":" + port));
        } catch (IOException e) {
            return Result.notConfirmed("fencing path " + host + ":" + port + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "fencing path to " + host + ":" + port;
    }
}
