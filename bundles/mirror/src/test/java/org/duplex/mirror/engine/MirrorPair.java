package org.duplex.mirror.engine;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.gi.SplitBrainPolicy;

/** Two legs of one volume on loopback, in this JVM. */
final class MirrorPair implements AutoCloseable {
    final Path dir;
    final long size;
    final int portA;
    final int portB;
    final AtomicBoolean quorateA = new AtomicBoolean(true);
    final AtomicBoolean quorateB = new AtomicBoolean(true);
    final AtomicLong epoch = new AtomicLong(1);
    VolumeConfig configA;
    VolumeConfig configB;
    MirrorVolume a;
    MirrorVolume b;

    MirrorPair(Path dir, long size, SplitBrainPolicy policy, boolean skipInitialSync) throws IOException {
        this.dir = dir;
        this.size = size;
        this.portA = freePort();
        this.portB = freePort();
        configA = VolumeConfig.of("vol", size, dir.resolve("a.img"), dir.resolve("a.meta"))
                .withListen("127.0.0.1", portA).withPeer("127.0.0.1", portB).withSplitBrainPolicy(policy)
                .withSkipInitialSync(skipInitialSync);
        configB = VolumeConfig.of("vol", size, dir.resolve("b.img"), dir.resolve("b.meta"))
                .withListen("127.0.0.1", portB).withPeer("127.0.0.1", portA).withSplitBrainPolicy(policy)
                .withSkipInitialSync(skipInitialSync);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    QuorumGate gate(AtomicBoolean quorate) {
        return new QuorumGate() {
            @Override
            public boolean quorate() {
                return quorate.get();
            }

            @Override
            public FencingEpoch epoch() {
                return new FencingEpoch(epoch.get());
            }
        };
    }

    MirrorPair openA() throws IOException {
        a = new MirrorVolume(configA, gate(quorateA));
        return this;
    }

    MirrorPair openB() throws IOException {
        b = new MirrorVolume(configB, gate(quorateB));
        return this;
    }

    MirrorPair open() throws IOException {
        return openA().openB();
    }

    FencingEpoch nextEpoch() {
        return new FencingEpoch(epoch.incrementAndGet());
    }

    void awaitInSync() throws InterruptedException {
        if (!a.awaitInSync(Duration.ofSeconds(30)) || !b.awaitInSync(Duration.ofSeconds(30))) {
            throw new AssertionError("not in sync: A " + a.status().render() + " B " + b.status().render());
        }
    }

    static void write(MirrorVolume v, long offset, int len, byte value) throws IOException {
        byte[] d = new byte[len];
        java.util.Arrays.fill(d, value);
        v.write(offset, ByteBuffer.wrap(d), false);
    }

    static byte[] read(MirrorVolume v, long offset, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        v.read(offset, b);
        return b.array();
    }

    byte[] fileA() throws IOException {
        return java.nio.file.Files.readAllBytes(configA.backing());
    }

    byte[] fileB() throws IOException {
        return java.nio.file.Files.readAllBytes(configB.backing());
    }

    @Override
    public void close() throws IOException {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }
}
