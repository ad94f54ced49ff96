package org.duplex.mirror.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The zero-copy path: frames written from direct buffers with gathering writes and read into the reader's pooled
 * direct buffer over a real socket channel arrive intact, in order, interleaved with small buffered frames, with
 * and without authentication; the sender may reuse its buffer as soon as send returns.
 */
class DirectFramePathTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void mixedFramesFromOneReusedDirectBufferArriveIntact() throws Exception {
        roundTrip(null);
    }

    @Test
    void mixedAuthenticatedFramesArriveIntact() throws Exception {
        roundTrip(KEY);
    }

    /** A connected pair of channel-backed sockets on loopback. */
    private record SocketPair(Socket client, Socket accepted) implements AutoCloseable {
        static SocketPair loopback() throws IOException {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Socket client = SocketChannel.open().socket();
                client.connect(server.getLocalAddress(), 2000);
                return new SocketPair(client, server.accept().socket());
            }
        }

        @Override
        public void close() throws IOException {
            try (client; accepted) {
                // both closed
            }
        }
    }

    private static void roundTrip(byte[] key) throws Exception {
        try (SocketPair pair = SocketPair.loopback()) {
            Socket client = pair.client();
            Socket accepted = pair.accepted();
            FrameWriter w = new FrameWriter(client.getOutputStream(), client.getChannel());
            FrameReader r = new FrameReader(new SocketInput(accepted.getInputStream(), accepted.getChannel(),
                    256 * 1024), 8 << 20).directPayloads(FrameWriter.GATHER_THRESHOLD);
            w.setKey(key);
            r.setKey(key);
            Random rnd = new Random(42);
            int[] sizes = {0, 1, 4096, 65535, 65536, 1 << 20, 7, 300_000, 2 << 20, 4096, 65536 + 3};
            List<byte[]> sent = new ArrayList<>();
            ByteBuffer reused = ByteBuffer.allocateDirect(2 << 20);
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < sizes.length; i++) {
                        byte[] content = new byte[sizes[i]];
                        rnd.nextBytes(content);
                        synchronized (sent) {
                            sent.add(content);
                        }
                        reused.clear();
                        reused.put(content).flip();
                        // odd frames stay buffered until a later flushing send: small ones must keep their order
                        w.send(FrameType.WRITE, 0, new byte[] {(byte) i}, reused, null, i % 2 == 0);
                        // the writer keeps no reference: scribbling over the buffer must not change what is sent
                        reused.clear();
                        while (reused.hasRemaining()) {
                            reused.put((byte) 0x55);
                        }
                    }
                    w.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start();
            for (int i = 0; i < sizes.length; i++) {
                FrameReader.Result res = r.read();
                assertThat(res).isInstanceOf(FrameReader.Ok.class);
                Frame f = ((FrameReader.Ok) res).frame();
                assertThat(f.type()).isEqualTo(FrameType.WRITE);
                assertThat(f.length()).isEqualTo(sizes[i] + 1);
                assertThat(f.body().isDirect()).isEqualTo(sizes[i] + 1 >= FrameWriter.GATHER_THRESHOLD);
                ByteBuffer b = f.body().duplicate();
                assertThat(b.get()).isEqualTo((byte) i);
                byte[] got = new byte[b.remaining()];
                b.get(got);
                byte[] expected;
                synchronized (sent) {
                    expected = sent.get(i);
                }
                assertThat(got).as("frame %d of %d bytes", i, sizes[i]).isEqualTo(expected);
            }
            sender.join(10_000);
            assertThat(sender.isAlive()).isFalse();
        }
    }

    @Test
    void socketInputDrainsItsBufferBeforeReadingTheChannel() throws Exception {
        try (SocketPair pair = SocketPair.loopback()) {
            Socket client = pair.client();
            Socket accepted = pair.accepted();
            byte[] all = new byte[200_000];
            new Random(7).nextBytes(all);
            client.getOutputStream().write(all);
            SocketInput in = new SocketInput(accepted.getInputStream(), accepted.getChannel(), 1024);
            byte[] head = new byte[10];
            assertThat(in.read(head)).isEqualTo(10); // fills the 1 KiB buffer, 10 bytes taken
            assertThat(in.buffered()).isGreaterThan(0);
            ByteBuffer rest = ByteBuffer.allocateDirect(all.length - 10);
            in.readFully(rest);
            rest.flip();
            byte[] got = new byte[rest.remaining()];
            rest.get(got);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, 10, all.length));
            assertThat(in.blockedNanos()).isZero();
        }
    }
}
