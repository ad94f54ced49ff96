package org.duplex.mirror.engine;

import org.duplex.mirror.block.BlockError;

import org.duplex.mirror.leg.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.block.BlockDeviceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorVolumeTest {
    static final long SIZE = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void fullInitialSyncThenSynchronousReplication() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, false).open()) {
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            // nothing written before promotion
        } catch (BlockDeviceException e) {
            assertThat(e.error()).isEqualTo(BlockError.NOT_PERMITTED);
        }
        try (MirrorPair p = new MirrorPair(dir.resolve("x"), SIZE, SplitBrainPolicy.DISCONNECT, false)) {
            java.nio.file.Files.createDirectories(dir.resolve("x"));
            java.nio.file.Files.write(p.configA.backing(), new byte[(int) SIZE]);
            byte[] junk = new byte[(int) SIZE];
            new Random(1).nextBytes(junk);
            java.nio.file.Files.write(p.configB.backing(), junk);
            p.open();
            p.a.promote(p.nextEpoch());
            p.awaitInSync();
            assertThat(p.a.resyncBytesSent()).isEqualTo(SIZE);
            assertThat(p.fileB()).isEqualTo(p.fileA());
            MirrorPair.write(p.a, 4096, 8192, (byte) 7);
            // acknowledged = durable on B
            assertThat(p.fileB()[4096]).isEqualTo((byte) 7);
            assertThat(p.fileB()[4096 + 8191]).isEqualTo((byte) 7);
            p.a.writeZeroes(4096, 4096, true);
            assertThat(p.fileB()[4096]).isZero();
            p.a.flush();
            assertThat(p.a.verify().regionsDiffering()).isZero();
        }
    }

    /**
     * A WRITE_ZEROES wider than the in-flight log's 64 MiB bound (qemu-img convert zeroes whole volumes) goes in
     * 32 MiB pieces: accepted, zero on both legs, nothing left in the in-flight log.
     */
    @Test
    void aZeroingWiderThanTheInFlightBoundReachesBothLegs() throws Exception {
        long size = 80L << 20;
        try (MirrorPair p = new MirrorPair(dir.resolve("z"), size, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.a.promote(p.nextEpoch());
            p.awaitInSync();
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            MirrorPair.write(p.a, (70L << 20) + 512, 4096, (byte) 2);
            p.a.writeZeroes(512, size - 1024, false);
            assertThat(p.a.inFlightRegions()).isZero();
            assertThat(MirrorPair.read(p.a, 0, 1024)).startsWith(new byte[] {1, 1}).endsWith(new byte[] {0, 0});
            assertThat(p.fileA()).isEqualTo(p.fileB());
        }
    }

    @Test
    void directBufferWritesOfEverySizeReachThePeerIntact() throws Exception {
        // the NBD server hands one reused direct buffer per connection: each write is on both legs as sent
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            Random rnd = new Random(3);
            ByteBuffer reused = ByteBuffer.allocateDirect(2 << 20);
            byte[] expected = new byte[(int) SIZE];
            int[] sizes = {512, 4096, 65536, 1 << 20, 2 << 20, 4096 * 3, 131072 + 512};
            long off = 0;
            for (int size : sizes) {
                byte[] content = new byte[size];
                rnd.nextBytes(content);
                reused.clear();
                reused.put(content).flip();
                java.util.concurrent.CompletableFuture<Void> f = p.a.writeAsyncInBurst(off, reused, false);
                reused.clear();
                while (reused.hasRemaining()) {
                    reused.put((byte) 0x55); // reused at once, as the server does
                }
                p.a.endBurst();
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
                System.arraycopy(content, 0, expected, (int) off, size);
                off += size + 4096;
            }
            assertThat(p.fileA()).isEqualTo(expected);
            assertThat(p.fileB()).isEqualTo(expected);
            assertThat(p.a.verify().regionsDiffering()).isZero();
        }
    }

    @Test
    void secondaryRefusesWritesAndPrimaryNeedsQuorumAndCurrentEpoch() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            assertThatThrownBy(() -> MirrorPair.write(p.b, 0, 512, (byte) 1))
                    .isInstanceOfSatisfying(BlockDeviceException.class, e -> assertThat(e.error()).isEqualTo(BlockError.NOT_PERMITTED));
            p.quorateA.set(false);
            assertThatThrownBy(() -> p.a.promote(p.nextEpoch())).hasMessageContaining("quorum");
            p.quorateA.set(true);
            FencingEpoch e5 = new FencingEpoch(5);
            p.epoch.set(5);
            p.a.promote(e5);
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (p.b.status().peerRole().orElse(Role.SECONDARY) != Role.PRIMARY && System.nanoTime() < until) {
                Thread.sleep(2);
            }
            assertThatThrownBy(() -> p.b.promote(e5)).hasMessageContaining("peer is primary");
            MirrorPair.write(p.a, 0, 512, (byte) 1);
            // losing quorum stops writes at once
            p.a.quorumChanged(false);
            p.quorateA.set(false);
            assertThatThrownBy(() -> MirrorPair.write(p.a, 0, 512, (byte) 2)).isInstanceOf(BlockDeviceException.class);
            p.quorateA.set(true);
            p.a.demote(Duration.ofSeconds(5));
            assertThatThrownBy(() -> MirrorPair.write(p.a, 0, 512, (byte) 2)).isInstanceOf(BlockDeviceException.class);
            // a stale epoch is refused
            assertThatThrownBy(() -> p.a.promote(new FencingEpoch(4))).hasMessageContaining("epoch");
            p.a.promote(new FencingEpoch(5));
            MirrorPair.write(p.a, 0, 512, (byte) 3);
            assertThat(MirrorPair.read(p.b, 0, 1)[0]).isEqualTo((byte) 3);
        }
    }

    @Test
    void resyncAfterDisconnectSendsOnlyDirtyRegions() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            p.a.disconnect();
            int gran = p.configA.granularity();
            // 5 regions dirtied, one of them twice, one write spanning two regions = 6 regions
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            MirrorPair.write(p.a, 512, 512, (byte) 2);
            MirrorPair.write(p.a, 3L * gran, 4096, (byte) 3);
            MirrorPair.write(p.a, 10L * gran + gran - 4096, 8192, (byte) 4);
            MirrorPair.write(p.a, 100L * gran, gran, (byte) 5);
            MirrorPair.write(p.a, SIZE - 4096, 4096, (byte) 6);
            assertThat(p.a.dirtyBytes()).isEqualTo(6L * gran);
            long before = p.a.resyncBytesSent();
            p.a.connect();
            p.awaitInSync();
            assertThat(p.a.resyncBytesSent() - before).isEqualTo(6L * gran);
            assertThat(p.fileB()).isEqualTo(p.fileA());
            assertThat(p.a.dirtyBytes()).isZero();
            assertThat(p.b.dirtyBytes()).isZero();
            assertThat(p.a.verify().regionsDiffering()).isZero();
        }
    }

    @Test
    void onlineResyncUnderConcurrentWritesEndsIdentical() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true)) {
            p.configA = p.configA.withResyncRate(8L << 20);
            p.open();
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            p.a.disconnect();
            Random rnd = new Random(3);
            for (int i = 0; i < 64; i++) {
                MirrorPair.write(p.a, (long) rnd.nextInt((int) (SIZE / 4096)) * 4096, 4096, (byte) rnd.nextInt());
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random r = new Random(4);
                while (!stop.get()) {
                    try {
                        MirrorPair.write(p.a, (long) r.nextInt((int) (SIZE / 4096)) * 4096, 4096, (byte) r.nextInt());
                        writes.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            });
            writer.start();
            p.a.connect();
            // progress, speed and ETA are reported while the rate-limited resync runs
            boolean sawProgress = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!sawProgress && System.nanoTime() < deadline) {
                MirrorStatus s = p.a.status();
                sawProgress = s.connection() == ConnectionState.SYNC_SOURCE && s.eta().isPresent()
                        && s.resyncBytesPerSec() > 0 && s.syncPercent() < 100;
                Thread.sleep(2);
            }
            assertThat(sawProgress).as("resync progress with speed and ETA observed").isTrue();
            p.awaitInSync();
            Thread.sleep(50);
            stop.set(true);
            writer.join();
            assertThat(writes.get()).isPositive();
            assertThat(p.a.verify().regionsDiffering()).isZero();
            assertThat(p.fileB()).isEqualTo(p.fileA());
        }
    }

    @Test
    void statusReportsRoleConnectionAndDirtyBytes() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            p.a.disconnect();
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            MirrorStatus s = p.a.status();
            assertThat(s.role()).isEqualTo(Role.PRIMARY);
            assertThat(s.connection()).isEqualTo(ConnectionState.STANDALONE);
            assertThat(s.dirtyBytes()).isEqualTo(p.configA.granularity());
            assertThat(s.healthyPrimary()).isTrue();
            assertThat(s.render()).contains("role=PRIMARY").contains("dirty=65536");
        }
    }

    @Test
    void readBalancingRoundRobinReadsTheSameData() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true)) {
            p.configA = p.configA.withReadBalancing(ReadBalancing.ROUND_ROBIN);
            p.open();
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            MirrorPair.write(p.a, 8192, 4096, (byte) 9);
            for (int i = 0; i < 10; i++) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                p.a.read(8192, b);
                assertThat(b.array()[4095]).isEqualTo((byte) 9);
            }
        }
    }

    @Test
    void authenticatedReplicationWorksWithTheSameKeyAndRefusesAWrongOne() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true)) {
            p.configA = p.configA.withClusterKey(key);
            p.configB = p.configB.withClusterKey(key);
            p.open();
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            MirrorPair.write(p.a, 0, 4096, (byte) 3);
            assertThat(p.fileB()[0]).isEqualTo((byte) 3);
        }
        java.nio.file.Path other = java.nio.file.Files.createDirectories(dir.resolve("wrong"));
        try (MirrorPair p = new MirrorPair(other, SIZE, SplitBrainPolicy.DISCONNECT, true)) {
            p.configA = p.configA.withClusterKey(key);
            p.configB = p.configB.withClusterKey("another key of 32 bytes........".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            p.open();
            Thread.sleep(1500);
            assertThat(p.a.connection()).isEqualTo(ConnectionState.CONNECTING);
            assertThat(p.b.connection()).isEqualTo(ConnectionState.CONNECTING);
        }
    }

    @Test
    void asyncModeAcknowledgesLocallyAndStillConvergesAfterALostPeer() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true)) {
            p.configA = p.configA.withMode(ReplicationMode.ASYNC);
            p.open();
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            for (int i = 0; i < 32; i++) {
                MirrorPair.write(p.a, i * 65536L, 4096, (byte) (i + 1));
            }
            p.b.disconnect();
            for (int i = 32; i < 40; i++) {
                MirrorPair.write(p.a, i * 65536L, 4096, (byte) (i + 1));
            }
            p.b.connect();
            p.awaitInSync();
            assertThat(p.a.verify().regionsDiffering()).isZero();
            assertThat(p.fileB()).isEqualTo(p.fileA());
        }
    }
}
