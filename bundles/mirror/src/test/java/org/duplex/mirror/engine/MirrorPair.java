package org.duplex.mirror.engine;

import org.duplex.mirror.leg.Fencing;
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
    /** A's fencing path to B and B's to A; unreachable unless a test says otherwise. */
    final FakeFencer fencerA = new FakeFencer(() -> b);
    final FakeFencer fencerB = new FakeFencer(() -> a);
    CuttableLink link;

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

    /**
     * Routes the replication connection through a {@link CuttableLink}: A always dials the forwarder to B, B
     * never dials (it compares its address with A's and accepts only).
     */
    MirrorPair withCuttableLink() throws IOException {
        java.util.List<Integer> ports = new java.util.ArrayList<>(java.util.List.of(portA, portB, freePort()));
        ports.sort(java.util.Comparator.comparing(x -> "127.0.0.1:" + x));
        int la = ports.get(0);
        int lb = ports.get(2);
        int proxy = ports.get(1);
        link = new CuttableLink(proxy, lb);
        configA = configA.withListen("127.0.0.1", la).withPeer("127.0.0.1", proxy);
        configB = configB.withListen("127.0.0.1", lb).withPeer("127.0.0.1", la);
        return this;
    }

    MirrorPair withFencing(Fencing f, Duration timeout) {
        configA = configA.withFencing(f, timeout);
        configB = configB.withFencing(f, timeout);
        return this;
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
        a = new MirrorVolume(configA, gate(quorateA), fencerA);
        return this;
    }

    MirrorPair openB() throws IOException {
        b = new MirrorVolume(configB, gate(quorateB), fencerB);
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
        if (link != null) {
            link.close();
        }
    }
}
