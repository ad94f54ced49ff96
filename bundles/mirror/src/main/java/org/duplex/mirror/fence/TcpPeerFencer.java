package org.duplex.mirror.fence;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * A failed connect (refused, no route, connect timeout: nothing delivered) is UNREACHABLE; a connection that
 * gives no valid answer within the timeout is NOT_CONFIRMED (the request may have arrived: retry).
 */
public final class TcpPeerFencer implements PeerFencer {
    private final String host;
    private final int port;
    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    public TcpPeerFencer(String host, int port, byte[] key) {
        this.host = host;
        this.port = port;
        this.key = key;
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
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            s.setSoTimeout(left);
            s.setTcpNoDelay(true);
            FrameReader reader = new FrameReader(new BufferedInputStream(s.getInputStream()),
                    FenceProtocol.MAX_PAYLOAD);
            FrameWriter writer = new FrameWriter(s.getOutputStream());
            if (key != null) {
                reader.setKey(key);
                writer.setKey(key);
            }
            byte[] nonce = new byte[FenceProtocol.NONCE_BYTES];
            random.nextBytes(nonce);
            writer.send(FrameType.FENCE_HELLO, 0, nonce);
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
