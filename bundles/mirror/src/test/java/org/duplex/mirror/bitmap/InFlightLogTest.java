package org.duplex.mirror.bitmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-flight log: what a process crash on the same boot resyncs. Writers are driven one step at a time (no
 * sleeps): a write that would wait for a slot makes the test end the oldest write first, as the peer's acks would.
 */
class InFlightLogTest {
    static final long REGION = 256L << 10;
    static final int SLOTS = 256;
    static final long BOUND = REGION * SLOTS; // 64 MiB
    static final String BOOT = "1b1e8f9a-7c55-4d0e-9a39-2f6c3a8e0b11";

    @TempDir
    Path dir;

    InFlightLog open() throws IOException {
        return new InFlightLog(dir.resolve("ifl"), REGION, SLOTS, BOOT);
    }

    InFlightLog.Recovered onDisk() throws IOException {
        return InFlightLog.recover(dir.resolve("ifl"), REGION, BOOT);
    }

    @Test
    void aRegionIsRecordedBeforeItsWriteAndLeavesWhenTheLastWriteToItEnds() throws IOException {
        try (InFlightLog log = open()) {
            assertThat(onDisk().trusted()).isTrue();
            assertThat(onDisk().regions()).isEmpty();
            log.begin(0, 4096);
            log.begin(4096, 4096);                  // same region, second write
            log.begin(REGION - 512, 1024);          // straddles regions 0 and 1
            assertThat(onDisk().regions()).containsExactlyInAnyOrder(0L, 1L);
            log.end(0, 4096);
            log.end(4096, 4096);
            assertThat(onDisk().regions()).containsExactlyInAnyOrder(0L, 1L); // one write to region 0 still runs
            log.end(REGION - 512, 1024);
            assertThat(onDisk().regions()).isEmpty();
            assertThat(log.size()).isZero();
        }
    }

    @Test
    void theRecordIsTrustedOnlyOnTheBootThatWroteItAndIntact() throws IOException {
        try (InFlightLog log = open()) {
            log.begin(3 * REGION, 4096);
        }
        Path f = dir.resolve("ifl");
        InFlightLog.Recovered same = InFlightLog.recover(f, REGION, BOOT);
        assertThat(same.trusted()).isTrue();
        assertThat(same.regions()).containsExactly(3L);
        InFlightLog.Recovered other = InFlightLog.recover(f, REGION, "another-boot");
        assertThat(other.trusted()).isFalse();
        assertThat(other.reason()).contains("machine restarted");
        assertThat(other.regions()).containsExactly(3L); // still reported: the caller adds them to the forced log's
        assertThat(InFlightLog.recover(f, REGION, "").trusted()).isFalse();
        assertThat(InFlightLog.recover(dir.resolve("missing"), REGION, BOOT).trusted()).isFalse();
        // a larger region size reads the same bytes as its own regions
        assertThat(InFlightLog.recover(f, 4 * REGION, BOOT).regions()).containsExactly(0L);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8), 0);    // killed while a new log was being initialised
        }
        assertThat(InFlightLog.recover(f, REGION, BOOT).trusted()).isFalse();
        try (InFlightLog log = new InFlightLog(dir.resolve("ifl"), REGION, SLOTS, "")) {
            assertThat(InFlightLog.recover(f, REGION, "").trusted()).as("unknown boot id").isFalse();
        }
    }

    @Test
    void aNewLogStartsEmpty() throws IOException {
        try (InFlightLog log = open()) {
            log.begin(0, 4096);
        }
        try (InFlightLog log = open()) {
            assertThat(onDisk().regions()).isEmpty();
        }
    }

    @Test
    void aWriteSpanningMoreRegionsThanSlotsIsRefusedSayingWhy() throws IOException {
        try (InFlightLog log = open()) {
            assertThatThrownBy(() -> log.begin(0, BOUND + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("spans 257 regions").hasMessageContaining("256");
            log.begin(0, 32L << 20); // the largest replicated write: 128 regions
            assertThat(log.size()).isEqualTo(128);
        }
    }

    @Test
    void aWriterWaitsForASlotUntilAnotherWriteEnds() throws Exception {
        try (InFlightLog log = open()) {
            for (int i = 0; i < SLOTS; i++) {
                log.begin(i * REGION, 4096);
            }
            assertThat(log.wouldWait(SLOTS * REGION, 4096)).isTrue();
            assertThat(log.wouldWait(5 * REGION + 8192, 4096)).as("a region already logged needs no slot").isFalse();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread w = new Thread(() -> {
                try {
                    log.begin(SLOTS * REGION, 4096);
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            w.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(w.getState()).isEqualTo(Thread.State.WAITING);
            assertThat(log.size()).isEqualTo(SLOTS);
            log.end(7 * REGION, 4096);
            w.join(10_000);
            assertThat(w.isAlive()).isFalse();
            assertThat(failed.get()).isNull();
            assertThat(onDisk().regions()).contains((long) SLOTS).doesNotContain(7L).hasSize(SLOTS);
        }
    }

    /** One write in flight: offset and length. */
    record Write(long offset, long length) {
    }

    /**
     * Drives {@code writes} with up to {@code depth} in flight, ending them in the order {@code pick} chooses
     * whenever the next one would wait; after every step the record on disk must cover every region with a write in
     * flight (the safety rule) and stay within 64 MiB (the bound). Returns the largest record seen, in bytes.
     */
    long drive(InFlightLog log, List<Write> writes, int depth, Random pick) throws IOException {
        List<Write> running = new ArrayList<>();
        long max = 0;
        for (Write w : writes) {
            while (running.size() >= depth || log.wouldWait(w.offset(), w.length())) {
                Write done = running.remove(pick == null ? 0 : pick.nextInt(running.size()));
                log.end(done.offset(), done.length());
                check(log, running);
            }
            log.begin(w.offset(), w.length());
            running.add(w);
            max = Math.max(max, check(log, running));
        }
        for (Write w : running) {
            log.end(w.offset(), w.length());
        }
        assertThat(onDisk().regions()).isEmpty();
        return max;
    }

    private long check(InFlightLog log, List<Write> running) throws IOException {
        Set<Long> recorded = new HashSet<>(onDisk().regions());
        Set<Long> inFlight = new HashSet<>();
        for (Write w : running) {
            for (long r = w.offset() / REGION; r <= (w.offset() + w.length() - 1) / REGION; r++) {
                inFlight.add(r);
            }
        }
        if (!recorded.equals(inFlight)) { // exactly: nothing in flight missing, nothing idle kept
            throw new AssertionError("recorded " + recorded + " but in flight " + inFlight);
        }
        long bytes = recorded.size() * REGION;
        if (bytes > BOUND || log.size() != recorded.size()) {
            throw new AssertionError(bytes + " bytes recorded (bound " + BOUND + "), " + log.size() + " in memory");
        }
        return bytes;
    }

    @Test
    void theBoundHoldsForASequentialStreamOverTheWholeVolume() throws IOException {
        long volume = 1L << 30;
        List<Write> stream = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {           // the benchmark's stream comes round again and again
            for (long off = 0; off < volume; off += 1 << 20) {
                stream.add(new Write(off, 1 << 20));
            }
        }
        try (InFlightLog log = open()) {
            // fio's queue depth 8: 8 writes of 1 MiB in flight, 32 regions (8 MiB) recorded at most
            assertThat(drive(log, stream, 8, null)).isEqualTo(8L << 20);
        }
        try (InFlightLog log = open()) {
            // far more in flight than the bound allows (32 MiB writes, 16 deep, acks in any order): writers wait
            List<Write> big = new ArrayList<>();
            for (long off = 0; off < volume; off += 32L << 20) {
                big.add(new Write(off, 32L << 20));
            }
            assertThat(drive(log, big, 16, new Random(7))).isEqualTo(BOUND);
        }
    }

    @Test
    void theBoundHoldsForRandomWritesAcknowledgedInAnyOrder() throws IOException {
        long volume = 1L << 30;
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            List<Write> writes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long len = r.nextInt(4) == 0 ? (1 + r.nextInt(2048)) * 512L : 4096;
                long off = (long) r.nextInt((int) ((volume - len) / 512)) * 512;
                writes.add(new Write(off, len));
            }
            try (InFlightLog log = open()) {
                long max = drive(log, writes, 1 + r.nextInt(600), r);
                assertThat(max).isPositive().isLessThanOrEqualTo(BOUND);
            }
        }
    }

    @Test
    void closingKeepsRegionsWithWritesStillInFlight() throws IOException {
        try (InFlightLog log = open()) {
            log.begin(REGION, 4096);
            log.begin(9 * REGION, 4096);
            log.end(9 * REGION, 4096);
        }
        assertThat(onDisk().regions()).containsExactly(1L);
    }
}
