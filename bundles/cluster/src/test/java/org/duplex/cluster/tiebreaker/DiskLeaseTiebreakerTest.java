package org.duplex.cluster.tiebreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLeaseTiebreakerTest {

    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final long MS = 1_000_000L;

    static final class MemStore implements LeaseStore {
        LeaseRecord record;
        final Map<NodeId, WeightSlot> weights = new HashMap<>();

        @Override
        public Optional<LeaseRecord> read() {
            return Optional.ofNullable(record);
        }

        @Override
        public void write(LeaseRecord r) {
            record = r;
        }

        @Override
        public void writeWeight(NodeId node, WeightSlot weight) {
            weights.put(node, weight);
        }

        @Override
        public Map<NodeId, WeightSlot> readWeights() {
            return Map.copyOf(weights);
        }
    }

    static DiskLeaseTiebreaker lease(NodeId self, LeaseStore store) {
        return new DiskLeaseTiebreaker(self, store, Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMillis(200));
    }

    @Test
    void aLoneNodeWaitsLeasePlusMarginThenHoldsAndRenews() {
        MemStore disk = new MemStore();
        DiskLeaseTiebreaker a = lease(A, disk);
        long t = 0;
        for (; t < 1200 * MS; t += 10 * MS) {
            assertThat(a.evaluate(Set.of(A), t).granted()).as("granted too early at %d ms", t / MS).isFalse();
        }
        while (!a.evaluate(Set.of(A), t).granted()) {
            t += 10 * MS;
            assertThat(t).isLessThan(3000 * MS);
        }
        assertThat(disk.record.holder()).isEqualTo(A);
        long counter = disk.record.counter();
        for (int i = 0; i < 50; i++) {
            t += 10 * MS;
            assertThat(a.evaluate(Set.of(A), t).granted()).isTrue();
        }
        assertThat(disk.record.counter()).isGreaterThan(counter);
    }

    @Test
    void aFrozenHolderHasGivenUpBeforeTheTakerActs() {
        MemStore disk = new MemStore();
        DiskLeaseTiebreaker a = lease(A, disk);
        DiskLeaseTiebreaker b = lease(B, disk);
        long t = 0;
        while (!a.evaluate(Set.of(A, B), t).granted()) {
            b.evaluate(Set.of(A, B), t);
            t += 10 * MS;
        }
        // both see each other: b is counted in by the holder
        for (int i = 0; i < 30; i++) {
            a.evaluate(Set.of(A, B), t);
            b.evaluate(Set.of(A, B), t);
            t += 10 * MS;
        }
        assertThat(b.peek(Set.of(A, B), t).granted()).isTrue();
        // a freezes (no evaluate calls); b loses it from its view and must wait for the lease to run out
        long frozenAt = t;
        boolean bGranted = false;
        for (; t < frozenAt + 5000 * MS; t += 10 * MS) {
            bGranted = b.evaluate(Set.of(B), t).granted();
            if (bGranted) {
                assertThat(a.holdsValidLease(t)).as("holder still valid while taker acts").isFalse();
                assertThat(a.peek(Set.of(A, B), t).granted()).isFalse();
                break;
            }
        }
        assertThat(bGranted).isTrue();
        assertThat(t - frozenAt).isGreaterThanOrEqualTo(1200 * MS);
        // a wakes up with its stale view: it must find the lease gone
        assertThat(a.evaluate(Set.of(A, B), t + 10 * MS).granted()).isFalse();
        assertThat(a.evaluate(Set.of(A, B), t + 200 * MS).granted()).isFalse();
    }

    @Test
    void theHolderShrinkingItsViewRevokesThePeersGrantBeforeActingAlone() {
        MemStore disk = new MemStore();
        DiskLeaseTiebreaker a = lease(A, disk);
        DiskLeaseTiebreaker b = lease(B, disk);
        long t = 0;
        while (!(a.evaluate(Set.of(A, B), t).granted() & b.evaluate(Set.of(A, B), t).granted())) {
            t += 10 * MS;
        }
        // a's view drops b; b keeps a stale two-node view and keeps reading the disk
        long bGrantEnd = -1;
        long aAloneAt = -1;
        boolean aSettled = false;
        for (long end = t + 3000 * MS; t < end; t += 10 * MS) {
            var va = a.evaluate(Set.of(A), t);
            boolean ga = va.granted();
            // the holder waiting out b is "settling": it keeps its groups (and only it can say so)
            assertThat(va.settling()).isEqualTo(!ga && a.holdsValidLease(t));
            aSettled |= va.settling();
            boolean gb = b.evaluate(Set.of(A, B), t).granted();
            if (gb) {
                bGrantEnd = t;
            }
            if (ga && aAloneAt < 0) {
                aAloneAt = t;
            }
            assertThat(ga && gb).as("both quorate at %d ms", t / MS).isFalse();
        }
        assertThat(aAloneAt).isPositive();
        assertThat(bGrantEnd).isLessThan(aAloneAt);
        assertThat(aSettled).isTrue();
        assertThat(b.peek(Set.of(A, B), t).settling()).isFalse();
    }

    @Test
    void diskFailureOnTheHolderEndsItsLease() {
        MemStore disk = new MemStore();
        boolean[] fail = {false};
        LeaseStore flaky = new LeaseStore() {
            @Override
            public Optional<LeaseRecord> read() throws IOException {
                if (fail[0]) {
                    throw new IOException("EIO");
                }
                return disk.read();
            }

            @Override
            public void write(LeaseRecord r) throws IOException {
                if (fail[0]) {
                    throw new IOException("EIO");
                }
                disk.write(r);
            }

            @Override
            public void writeWeight(NodeId node, WeightSlot weight) throws IOException {
                if (fail[0]) {
                    throw new IOException("EIO");
                }
                disk.writeWeight(node, weight);
            }

            @Override
            public Map<NodeId, WeightSlot> readWeights() throws IOException {
                if (fail[0]) {
                    throw new IOException("EIO");
                }
                return disk.readWeights();
            }
        };
        DiskLeaseTiebreaker a = lease(A, flaky);
        long t = 0;
        while (!a.evaluate(Set.of(A), t).granted()) {
            t += 10 * MS;
        }
        fail[0] = true;
        long failedAt = t;
        while (a.evaluate(Set.of(A), t).granted()) {
            t += 10 * MS;
        }
        assertThat(t - failedAt).isLessThanOrEqualTo(1000 * MS);
    }

    @Test
    void fileStoreRoundTripsAndRejectsATornRecord(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("lease.img");
        FileLeaseStore store = new FileLeaseStore(img, 4096);
        assertThat(store.read()).isEmpty();
        LeaseRecord r = new LeaseRecord(A, 42, Set.of(A, B), 7);
        store.write(r);
        assertThat(store.read()).contains(r);
        // ext4/xfs (this machine, CI) take O_DIRECT; tmpfs would fall back to buffered I/O + fsync
        if (!"tmpfs".equals(Files.getFileStore(img).type())) {
            assertThat(store.isDirect()).as("O_DIRECT on %s", Files.getFileStore(img).type()).isTrue();
        }
        try (var ch = java.nio.channels.FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), 4096 + 20);
        }
        assertThatThrownBy(store::read).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        assertThat(Files.size(img)).isEqualTo(8192);
        assertThatThrownBy(() -> new FileLeaseStore(img, 100)).hasMessageContaining("multiple of 4096");
    }
}
