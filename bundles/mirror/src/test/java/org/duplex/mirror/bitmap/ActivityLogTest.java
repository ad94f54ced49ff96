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

    ActivityLog open() throws IOException {
        return new ActivityLog(dir.resolve("al"), EXTENT, 1237, clock::get);
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
}
