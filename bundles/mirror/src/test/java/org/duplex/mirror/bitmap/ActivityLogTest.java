package org.duplex.mirror.bitmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retirement of idle extents, on a virtual clock: no test here sleeps. */
class ActivityLogTest {
    static final long EXTENT = 4L << 20;
    static final long IDLE = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final AtomicInteger forces = new AtomicInteger();
    final AtomicInteger dataForces = new AtomicInteger(); // forces made by a full log before an eviction

    ActivityLog open() throws IOException {
        return open(1237);
    }

    ActivityLog open(int capacity) throws IOException {
        return new ActivityLog(dir.resolve("al"), EXTENT, capacity, clock::get, dataForces::incrementAndGet);
    }

    int retire(ActivityLog al) throws IOException {
        return al.retireIdle(IDLE, forces::incrementAndGet);
    }

    static void write(ActivityLog al, long offset) throws IOException {
        al.begin(offset, 4096);
        al.end(offset, 4096);
    }

    @Test
    void idleExtentsLeaveTheLogOnDiskAfterOneForceOfTheData() throws IOException {
        try (ActivityLog al = open()) {
            write(al, 0);
            write(al, 9 * (1L << 20));
            assertThat(al.recordedExtents()).containsExactly(0L, 2L);
            clock.addAndGet(IDLE - 1);
            assertThat(retire(al)).isZero();
            assertThat(forces).hasValue(0); // nothing to retire: the data file is not forced for nothing
            clock.addAndGet(1);
            assertThat(retire(al)).isEqualTo(2);
            assertThat(forces).hasValue(1);
            assertThat(al.recordedExtents()).isEmpty();
            assertThat(al.size()).isZero();
            // a later write enters again, durably, before it happens
            write(al, 0);
            assertThat(al.recordedExtents()).containsExactly(0L);
        }
    }

    @Test
    void anExtentWithAWriteInFlightOrAWriteDuringTheForceStays() throws IOException {
        try (ActivityLog al = open()) {
            al.begin(0, 4096);                 // in flight (e.g. the peer has not acknowledged it)
            write(al, EXTENT);
            clock.addAndGet(IDLE);
            ActivityLog.Force racingWrite = () -> {
                forces.incrementAndGet();
                al.begin(EXTENT, 4096);        // a new write to extent 1 while the data file is forced
                al.end(EXTENT, 4096);
            };
            assertThat(al.retireIdle(IDLE, racingWrite)).isZero();
            assertThat(al.recordedExtents()).containsExactlyInAnyOrder(0L, 1L);
            al.end(0, 4096);
            clock.addAndGet(IDLE);
            assertThat(retire(al)).isEqualTo(2);
            assertThat(al.recordedExtents()).isEmpty();
        }
    }

    @Test
    void underContinuousWritesTheLogHoldsWhatWasWrittenWithinTheIdleTime() throws IOException {
        try (ActivityLog al = open()) {
            // a stream moving on to a new extent every 100 ms, and one hot extent written all the time
            for (long e = 0; e < 100; e++) {
                write(al, e * EXTENT);
                write(al, 1000 * EXTENT);
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
                if (e % 5 == 0) {
                    retire(al); // the volume ticks every 500 ms
                }
            }
            // the last 2 s of the stream (20-25 extents) and the hot one, not all 100
            assertThat(al.size()).isBetween(20, 26);
            assertThat(al.recordedExtents()).contains(1000L, 99L).doesNotContain(0L, 70L);
            clock.addAndGet(IDLE);
            retire(al);
            assertThat(al.recordedExtents()).isEmpty();
        }
    }

    @Test
    void aCleanClearKeepsOnlyExtentsWithWritesInFlight() throws IOException {
        try (ActivityLog al = open()) {
            al.begin(0, 4096);
            write(al, EXTENT);
            al.clear();
            assertThat(al.recordedExtents()).containsExactly(0L);
        }
    }

    @Test
    void aFullLogForcesTheDataBeforeAnIdleExtentLeavesAndNeverEvictsOneInFlight() throws IOException {
        try (ActivityLog al = open(4)) {
            for (long e = 0; e < 4; e++) {
                write(al, e * EXTENT);
            }
            assertThat(dataForces).hasValue(0); // within capacity: nothing forced, nothing left
            al.begin(1, 4096);                  // extent 0 written again, now in flight: the hottest
            write(al, 4 * EXTENT);              // a fifth extent: the least recently used idle one (1) leaves
            assertThat(dataForces).hasValue(1);
            assertThat(al.recordedExtents()).containsExactlyInAnyOrder(0L, 2L, 3L, 4L);
            assertThat(al.evictions()).isEqualTo(1);
            // every extent in flight: the log grows past its capacity instead of forgetting one
            ActivityLog.Force noForce = () -> { };
            try (ActivityLog busy = new ActivityLog(dir.resolve("busy"), EXTENT, 2, clock::get, noForce)) {
                for (long e = 0; e < 3; e++) {
                    busy.begin(e * EXTENT, 4096);
                }
                assertThat(busy.recordedExtents()).containsExactlyInAnyOrder(0L, 1L, 2L);
            }
        }
    }

    @Test
    void aStreamOverAWholeVolumeKeepsTheRecordWithinCapacityAndEveryUnforcedExtentRecorded() throws IOException {
        // The data file: which extents hold writes not yet forced. After every step, every such extent must be in
        // the record (what a power loss would lose is what recovery resyncs) and the record stays within capacity.
        java.util.Set<Long> unforced = new java.util.HashSet<>();
        ActivityLog.Force force = unforced::clear;
        java.util.Random random = new java.util.Random(42);
        try (ActivityLog al = new ActivityLog(dir.resolve("stream"), EXTENT, 16, clock::get, force)) {
            for (int i = 0; i < 1_200; i++) {
                long e = i < 600 ? i / 4 : random.nextInt(256); // sequential over 600 MiB, then random
                al.begin(e * EXTENT + 4096, 4096);
                unforced.add(e);
                al.end(e * EXTENT + 4096, 4096);
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
                if (i % 100 == 0) {
                    al.retireIdle(IDLE, force);
                }
                assertThat(al.recordedExtents()).containsAll(unforced).hasSizeLessThanOrEqualTo(16);
            }
            assertThat(al.evictions()).isPositive();
        }
    }

    @Test
    void aFailedForceFailsTheWriteAndKeepsTheLogWhole() throws IOException {
        ActivityLog.Force broken = () -> {
            throw new IOException("EIO on fdatasync");
        };
        try (ActivityLog al = new ActivityLog(dir.resolve("broken"), EXTENT, 1, clock::get, broken)) {
            write(al, 0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> al.begin(EXTENT, 4096))
                    .hasMessageContaining("EIO");
            assertThat(al.recordedExtents()).containsExactly(0L); // nothing registered for the failed write
            clock.addAndGet(IDLE);
            assertThat(al.retireIdle(IDLE, () -> { })).isEqualTo(1);
            assertThat(al.recordedExtents()).isEmpty();
        }
    }
}
