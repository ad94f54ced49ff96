package org.duplex.cluster.tiebreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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

    /** A switch the test operates by hand: requests are recorded, the test confirms or fails them. */
    static final class HandFencing implements HolderFencing {
        final java.util.List<NodeId> requested = new java.util.ArrayList<>();
        State state = new State(Status.NONE, "not fenced");
        long confirmedAt;

        @Override
        public void request(NodeId node, long notBeforeNanos, String reason) {
            if (state.status() != Status.RUNNING) {
                requested.add(node);
                state = new State(Status.RUNNING, "fencing");
            }
        }

        @Override
        public State state(NodeId node, long notBeforeNanos) {
            return state.status() == Status.CONFIRMED && confirmedAt < notBeforeNanos
                    ? new State(Status.NONE, "fenced before") : state;
        }

        void confirm(long at) {
            state = new State(Status.CONFIRMED, "off");
            confirmedAt = at;
        }
    }

    /**
     * A holds the lease with B in its view, B has watched A renew for 300 ms and fences through a switch the test
     * operates by hand; {@code t} is the virtual time, A's last renewal is less than 100 ms before it.
     */
    static final class FencedPair {
        final MemStore disk = new MemStore();
        final DiskLeaseTiebreaker a = lease(A, disk);
        final DiskLeaseTiebreaker b = lease(B, disk);
        final HandFencing sw = new HandFencing();
        long t;

        FencedPair(boolean fencedLongAgo) {
            if (fencedLongAgo) {
                sw.confirm(0);
            }
            b.useFencing(sw, Duration.ofMillis(200));
            long bothSince = -1;
            while (bothSince < 0 || t < bothSince + 300 * MS) {
                boolean ga = a.evaluate(Set.of(A, B), t).granted();
                boolean gb = b.evaluate(Set.of(A, B), t).granted();
                bothSince = ga && gb ? (bothSince < 0 ? t : bothSince) : -1;
                t += 10 * MS;
                assertThat(t).isLessThan(5000 * MS);
            }
        }

        /** A stopped and left B's view: B alone evaluates from {@code t} until it asks for a fence (at most 1 s). */
        long untilBAsksForAFence(long t) {
            for (long end = t + 1000 * MS; sw.requested.isEmpty(); ) {
                String why = b.evaluate(Set.of(B), t += 10 * MS).reason();
                assertThat(t).as("no fence requested: %s", why).isLessThan(end);
            }
            return t;
        }
    }

    @Test
    void aHolderThatStoppedRenewingAndLeftTheViewIsFencedAndItsLeaseTakenAtOnce() {
        FencedPair p = new FencedPair(false);
        long t = p.t;
        // A dies (its last renewal was less than 100 ms ago) and leaves B's view at once
        for (long end = t + 90 * MS; t < end; t += 10 * MS) {
            p.b.evaluate(Set.of(B), t);
        }
        assertThat(p.sw.requested).as("record changed < 200 ms ago: A may still be renewing").isEmpty();
        for (long end = t + 500 * MS; p.sw.requested.isEmpty(); t += 10 * MS) {
            assertThat(p.b.evaluate(Set.of(B), t).granted()).isFalse();
            assertThat(t).as("fence requested within stall + one read").isLessThan(end);
        }
        assertThat(p.sw.requested).containsExactly(A);
        // while the fence runs nothing is taken, however long it takes (the lease has not expired yet)
        long fenceStart = t;
        for (; t < fenceStart + 300 * MS; t += 10 * MS) {
            assertThat(p.b.evaluate(Set.of(B), t).reason()).contains("fencing it");
            assertThat(p.disk.record.holder()).isEqualTo(A);
        }
        p.sw.confirm(t);
        long confirmed = t;
        while (!p.b.evaluate(Set.of(B), t).granted() && t < confirmed + 2000 * MS) {
            t += 10 * MS;
        }
        assertThat(t - confirmed).as("held and usable at once after the confirmed fence (next I/O slot)")
                .isLessThanOrEqualTo(20 * MS);
        assertThat(p.disk.record.holder()).isEqualTo(B);
        assertThat(p.b.holdsValidLease(t)).isTrue();
        assertThat(t - fenceStart).isLessThan(1000 * MS);
    }

    @Test
    void aHolderThatKeepsRenewingIsNeverFencedEvenOutsideTheView() {
        FencedPair p = new FencedPair(false);
        long t = p.t;
        // the interconnect is cut: each sees itself alone, A renews, B must neither fence nor take the lease
        for (long end = t + 5000 * MS; t < end; t += 10 * MS) {
            assertThat(p.a.evaluate(Set.of(A), t).granted() || p.a.evaluate(Set.of(A), t).settling()).isTrue();
            assertThat(p.b.evaluate(Set.of(B), t).granted()).isFalse();
        }
        assertThat(p.sw.requested).isEmpty();
        assertThat(p.disk.record.holder()).isEqualTo(A);
    }

    @Test
    void aStaleWriteFromAPausedFormerHolderDoesNotTakeTheLeaseBack() {
        FencedPair p = new FencedPair(false);
        long t = p.t;
        LeaseRecord aRead = p.disk.record; // A read its record, then froze before writing the renewal
        t = p.untilBAsksForAFence(t);
        p.sw.confirm(t); // a fabric fence: A is cut from the network, not from the lease disk
        for (long end = t + 50 * MS; t < end && p.disk.record.holder().equals(A); ) {
            p.b.evaluate(Set.of(B), t += 10 * MS);
        }
        assertThat(p.disk.record.holder()).isEqualTo(B);
        // A wakes up and completes the renewal it had prepared
        p.disk.write(new LeaseRecord(A, aRead.counter() + 1, aRead.members(), aRead.epoch()));
        for (long end = t + 500 * MS; t < end; t += 10 * MS) {
            assertThat(p.b.evaluate(Set.of(B), t).granted()).as("B keeps the lease it renews").isTrue();
        }
        assertThat(p.disk.record.holder()).isEqualTo(B);
        assertThat(p.a.evaluate(Set.of(A), t).granted()).as("A, awake, sees B's record").isFalse();
        assertThat(p.a.holdsValidLease(t)).isFalse();
    }

    @Test
    void aRecordLeftFromBeforeAColdStartIsNeverGroundsForFencing() {
        MemStore disk = new MemStore();
        disk.record = new LeaseRecord(A, 41, Set.of(A, B), 7); // A held it before both nodes were shut down
        DiskLeaseTiebreaker b = lease(B, disk);
        HandFencing sw = new HandFencing();
        b.useFencing(sw, Duration.ofMillis(200));
        long t = 0;
        while (!b.evaluate(Set.of(B), t).granted()) { // B boots first, alone: A is booting too
            t += 10 * MS;
            assertThat(t).isLessThan(3000 * MS);
        }
        assertThat(sw.requested).as("A never renewed while B watched: nothing says it is a hung holder").isEmpty();
        assertThat(t).as("taken the classic way, after lease + margin").isGreaterThanOrEqualTo(1200 * MS);
    }

    /** Two singletons after a timed-out JOIN: B watched A renew but never had A in its view; A stops renewing. */
    @Test
    void aHolderNeverSeenInTheViewIsNotFencedAtAColdStart() {
        MemStore disk = new MemStore();
        DiskLeaseTiebreaker a = lease(A, disk);
        DiskLeaseTiebreaker b = lease(B, disk);
        HandFencing sw = new HandFencing();
        b.useFencing(sw, Duration.ofMillis(200));
        long t = 0;
        while (!a.evaluate(Set.of(A), t).granted()) { // A, alone, takes the lease and renews it while B watches
            b.evaluate(Set.of(B), t);
            t += 10 * MS;
            assertThat(t).isLessThan(3000 * MS);
        }
        for (long end = t + 500 * MS; t < end; t += 10 * MS) {
            a.evaluate(Set.of(A), t);
            b.evaluate(Set.of(B), t);
        }
        // A stops renewing (merging, paused, restarting): B never had A in its view, so nothing was "left"
        boolean granted = false;
        for (long end = t + 3000 * MS; t < end && !granted; t += 10 * MS) {
            granted = b.evaluate(Set.of(B), t).granted();
        }
        assertThat(sw.requested).as("a peer never in this node's view is not fenced for its lease").isEmpty();
        assertThat(granted).as("B takes the lease the classic way, after lease + margin").isTrue();
    }

    @Test
    void aFailedFenceFallsBackToWaitingForTheLeaseToExpire() {
        FencedPair p = new FencedPair(false);
        long t = p.t;
        long lastRenewal = t;
        t = p.untilBAsksForAFence(t);
        p.sw.state = new HolderFencing.State(HolderFencing.Status.FAILED, "device unreachable");
        while (!p.b.evaluate(Set.of(B), t).granted()) {
            // A's last renewal was at most 100 ms before lastRenewal; its lease ran 1000 ms on from it
            assertThat(p.disk.record.holder().equals(B) && t - lastRenewal < 900 * MS)
                    .as("taken while A's lease may still be valid, without a confirmed fence").isFalse();
            t += 10 * MS;
            assertThat(t).isLessThan(lastRenewal + 3000 * MS);
        }
        assertThat(p.disk.record.holder()).isEqualTo(B);
    }

    @Test
    void aFenceConfirmedBeforeTheHoldersLastRenewalDoesNotCount() {
        FencedPair p = new FencedPair(true); // A was fenced once, long ago, and came back
        long t = p.t;
        for (long end = t + 150 * MS; t < end; t += 10 * MS) {
            p.b.evaluate(Set.of(B), t);
        }
        assertThat(p.b.evaluate(Set.of(B), t + 200 * MS).granted()).isFalse();
        assertThat(p.disk.record.holder()).isEqualTo(A);
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

    /**
     * The store keeps its file open between operations; a lease file deleted, or replaced by another at the same
     * path (shared storage remounted, a file restored), must never be read through the old descriptor.
     */
    @Test
    void fileStoreFollowsALeaseFileReplacedAtItsPath(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("lease.img");
        FileLeaseStore store = new FileLeaseStore(img, 0, List.of(A, B));
        LeaseRecord mine = new LeaseRecord(A, 5, Set.of(A, B), 3);
        store.write(mine);
        store.writeWeight(B, new WeightSlot(2, 9));
        assertThat(store.read()).contains(mine);

        Files.delete(img);
        assertThat(store.read()).as("deleted under an open descriptor").isEmpty();
        assertThat(store.readWeights()).isEmpty();

        LeaseRecord theirs = new LeaseRecord(B, 1, Set.of(B), 4);
        Path other = dir.resolve("replacement.img");
        FileLeaseStore writer = new FileLeaseStore(other, 0, List.of(A, B));
        writer.write(theirs);
        writer.writeWeight(A, new WeightSlot(1, 1));
        writer.close();
        store.write(mine); // recreates the file at the path...
        Files.move(other, img, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // ...which is then replaced
        assertThat(store.read()).contains(theirs);
        assertThat(store.readWeights()).containsOnlyKeys(A).containsEntry(A, new WeightSlot(1, 1));
        store.close();
        assertThat(store.read()).as("reopened after close").contains(theirs);
    }
    /** One node's path to a shared {@link MemStore} on a virtual clock: its reads take time, its writes can run a hook. */
    static final class TimedPath implements LeaseStore {
        final MemStore disk;
        final long[] clock;
        long readNanos;
        Runnable beforeNextWriteLands;

        TimedPath(MemStore disk, long[] clock) {
            this.disk = disk;
            this.clock = clock;
        }

        @Override
        public Optional<LeaseRecord> read() {
            Optional<LeaseRecord> r = disk.read(); // the record as it was when the read began
            clock[0] += readNanos;
            return r;
        }

        @Override
        public void write(LeaseRecord r) {
            Runnable hook = beforeNextWriteLands;
            beforeNextWriteLands = null;
            if (hook != null) {
                hook.run();
            }
            disk.write(r);
        }

        @Override
        public void writeWeight(NodeId node, WeightSlot weight) {
            disk.writeWeight(node, weight);
        }

        @Override
        public Map<NodeId, WeightSlot> readWeights() {
            return disk.readWeights();
        }
    }

    static DiskLeaseTiebreaker timed(NodeId self, LeaseStore store, long[] clock) {
        return new DiskLeaseTiebreaker(self, store, Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMillis(200), () -> 0, () -> clock[0]);
    }

    /** Runs both nodes in one view until A holds the lease listing B and B counts itself in. */
    static void formPair(DiskLeaseTiebreaker a, DiskLeaseTiebreaker b, long[] clock) {
        while (!(a.evaluate(Set.of(A, B), clock[0]).granted() && b.evaluate(Set.of(A, B), clock[0]).granted())) {
            clock[0] += 10 * MS;
            assertThat(clock[0]).as("the pair never formed").isLessThan(10_000 * MS);
        }
    }

    /**
     * A holder that drops a peer from its view writes the new member list and waits the peer's grant out before
     * it acts alone. The peer may read the old record until the write lands, so the wait must start when it lands:
     * counted from the start of a write that took 700 ms (longer than the 200 ms margin), the holder acted alone
     * while the peer, which had read the old record 10 ms before it landed, still counted itself quorate.
     */
    @Test
    void aSlowWriteDroppingAPeerIsWaitedOutFromWhenItLanded() {
        long[] clock = {0};
        MemStore disk = new MemStore();
        TimedPath pathA = new TimedPath(disk, clock);
        DiskLeaseTiebreaker a = timed(A, pathA, clock);
        DiskLeaseTiebreaker b = timed(B, new TimedPath(disk, clock), clock);
        formPair(a, b, clock);
        assertThat(disk.record.holder()).isEqualTo(A);
        // A stops hearing B (a link that drops one way): its next renewal lists only A and takes 700 ms to land,
        // during which B keeps reading the old record that lists it
        pathA.beforeNextWriteLands = () -> {
            for (int i = 0; i < 70; i++) {
                clock[0] += 10 * MS;
                assertThat(b.evaluate(Set.of(A, B), clock[0]).granted()).isTrue();
            }
        };
        while (pathA.beforeNextWriteLands != null) {
            a.evaluate(Set.of(A), clock[0]);
            clock[0] += 10 * MS;
        }
        boolean aAlone = false;
        for (int i = 0; i < 300; i++) {
            clock[0] += 10 * MS;
            boolean aGranted = a.evaluate(Set.of(A), clock[0]).granted();
            boolean bGranted = b.evaluate(Set.of(A, B), clock[0]).granted();
            assertThat(aGranted && bGranted).as("at %d ms A acts alone while B still counts itself in", clock[0] / MS)
                    .isFalse();
            aAlone |= aGranted;
        }
        assertThat(aAlone).as("A never acted alone once B's grant had run out").isTrue();
    }

    /**
     * A member's read that takes longer than a renew interval (a stalled disk or a starved thread on a saturated
     * machine) does not cost it quorum: its grant lasts four renewals from the start of the read. With two, a
     * 45-minute soak saw one 1 ms no-quorum period on the standby.
     */
    @Test
    void aMemberStaysQuorateThroughReadsSlowerThanARenewal() {
        long[] clock = {0};
        MemStore disk = new MemStore();
        TimedPath pathB = new TimedPath(disk, clock);
        DiskLeaseTiebreaker a = timed(A, new TimedPath(disk, clock), clock);
        DiskLeaseTiebreaker b = timed(B, pathB, clock);
        formPair(a, b, clock);
        pathB.readNanos = 250 * MS;
        for (int i = 0; i < 200; i++) {
            clock[0] += 10 * MS;
            assertThat(a.evaluate(Set.of(A, B), clock[0]).granted()).isTrue();
            b.evaluate(Set.of(A, B), clock[0]);
            // the node asks again for its quorum state after the tick, on the clock as it is then
            assertThat(b.peek(Set.of(A, B), clock[0]).granted()).as("B at %d ms", clock[0] / MS).isTrue();
        }
        assertThat(b.status(clock[0])).contains("slowest lease I/O 250 ms (read)");
    }
}
