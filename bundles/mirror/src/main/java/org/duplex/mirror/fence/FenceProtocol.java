package org.duplex.mirror.fence;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.duplex.mirror.engine.PeerFencer;
import org.duplex.mirror.replication.Frame;
import org.duplex.mirror.replication.FrameReader;
import org.duplex.mirror.replication.FrameType;

/**
 * The fencing path's messages, carried in replication frames (magic, version, seq, HMAC) on their own TCP
 * connection: both sides send FENCE_HELLO with a random nonce (authenticated with the cluster key), then every
 * frame is authenticated with a key derived from both nonces, so a recorded request cannot be replayed. The client
 * sends one FENCE_OUTDATE (volume, epoch), the server answers one FENCE_RESULT (outcome, detail) and closes.
 */
final class FenceProtocol {
    static final int NONCE_BYTES = 16;
    static final int MAX_PAYLOAD = 4096;

    private FenceProtocol() {
    }

    static byte[] sessionKey(byte[] key, byte[] clientNonce, byte[] serverNonce) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update("duplex-mirror-fence".getBytes(StandardCharsets.US_ASCII));
            m.update(clientNonce);
            m.update(serverNonce);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encodeRequest(PeerFencer.OutdateRequest r) {
        byte[] name = r.volume().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + name.length + 8).putShort((short) name.length).put(name)
                .putLong(r.primaryEpoch()).array();
    }

    static Optional<PeerFencer.OutdateRequest> decodeRequest(byte[] p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(p);
            int n = Short.toUnsignedInt(b.getShort());
            if (n == 0 || n > 1024 || n > b.remaining()) {
                return Optional.empty();
            }
            byte[] name = new byte[n];
            b.get(name);
            long epoch = b.getLong();
            if (b.hasRemaining() || epoch < 0) {
                return Optional.empty();
            }
            return Optional.of(new PeerFencer.OutdateRequest(new String(name, StandardCharsets.UTF_8), epoch));
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    static byte[] encodeResult(PeerFencer.Result r) {
        byte[] d = r.detail().getBytes(StandardCharsets.UTF_8);
        d = Arrays.copyOf(d, Math.min(d.length, 2000));
        return ByteBuffer.allocate(1 + 2 + d.length).put((byte) r.outcome().ordinal()).putShort((short) d.length)
                .put(d).array();
    }

    static Optional<PeerFencer.Result> decodeResult(byte[] p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(p);
            int o = Byte.toUnsignedInt(b.get());
            int n = Short.toUnsignedInt(b.getShort());
            if (o >= PeerFencer.Outcome.values().length || n != b.remaining()) {
                return Optional.empty();
            }
            byte[] d = new byte[n];
            b.get(d);
            return Optional.of(new PeerFencer.Result(PeerFencer.Outcome.values()[o],
                    new String(d, StandardCharsets.UTF_8)));
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }

}
