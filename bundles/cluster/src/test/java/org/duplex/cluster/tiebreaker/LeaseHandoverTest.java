package org.duplex.cluster.tiebreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.quorum.Tiebreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The disk lease follows the heavier node (renew 100 ms, lease 1000 ms, margin 200 ms; virtual clock in 10 ms
 * steps). After every step: two nodes that do not see each other are never both granted, and never do two
 * nodes hold a valid lease.
 */
class LeaseHandoverTest {

    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final long MS = 1_000_000L;

    record Write(long at, NodeId writer, LeaseRecord record) {
    }

    /** The shared disk: the record, the weight slots, and every record write with its writer. */
    static final class Disk {
        final SharedLeaseDisk shared = new SharedLeaseDisk();
        final Map<NodeId, WeightSlot> weights = shared.weights();
        final List<Write> writes = new ArrayList<>();
        long now;
        boolean failHandovers;
        int failedHandovers;

        LeaseRecord record() {
            return shared.record().orElse(null);
        }

        LeaseStore viewFor(Node n) {
            return shared.viewFor(n.id, () -> n.diskUp, (writer, r) -> {
                if (failHandovers && !r.holder().equals(writer)) {
                    failedHandovers++;
                    throw new IOException("EIO on " + writer + " (handover write)");
                }
                writes.add(new Write(now, writer, r));
            });
        }

        /** The holder's write naming the other node, if one happened. */
        Optional<Write> handover(NodeId from, NodeId to) {
            return writes.stream().filter(w -> w.writer().equals(from) && w.record().holder().equals(to)).findFirst();
        }
    }

    static final class Node {
        final NodeId id;
        final DiskLeaseTiebreaker lease;
        int weight;
        Set<NodeId> view = Set.of(A, B);
        boolean frozen;
        boolean diskUp = true;
        boolean granted;

        Node(NodeId id, Disk disk) {
            this.id = id;
            this.lease = new DiskLeaseTiebreaker(id, disk.viewFor(this), Duration.ofMillis(100),
                    Duration.ofMillis(1000), Duration.ofMillis(200), () -> weight);
        }
    }

    Disk disk;
    Node a;
    Node b;
    long t;

    @BeforeEach
    void setUp() {
        disk = new Disk();
        a = new Node(A, disk);
        b = new Node(B, disk);
    }

    /** One 10 ms step: every node that is not frozen evaluates (order alternates), then the safety checks. */
    void step() {
        t += 10 * MS;
        disk.now = t;
        List<Node> order = (t / (10 * MS)) % 2 == 0 ? List.of(a, b) : List.of(b, a);
        for (Node n : order) {
            // a frozen node does nothing; what it would answer on waking is checked by its first evaluate
            n.granted = !n.frozen && n.lease.evaluate(n.view, t).granted();
        }
        boolean mutual = a.view.contains(B) && b.view.contains(A);
        boolean bothActive = !a.frozen && !b.frozen;
        if (bothActive && !mutual) {
            assertThat(a.granted && b.granted).as("both quorate at %d ms with views %s and %s", t / MS, a.view,
                    b.view).isFalse();
        }
        assertThat(a.lease.holdsValidLease(t) && b.lease.holdsValidLease(t)).as("two valid leases at %d ms", t / MS)
                .isFalse();
    }

    void run(long ms) {
        for (long end = t + ms * MS; t < end; ) {
            step();
        }
    }

    /** a (the preferred acquirer, lowest id) holds the lease and both are quorate in the full view. */
    void aHoldsIt() {
        for (int i = 0; i < 500 && !(a.lease.holdsValidLease(t) && a.granted && b.granted); i++) {
            step();
        }
        assertThat(a.lease.holdsValidLease(t)).isTrue();
        run(300);
        assertThat(a.granted && b.granted).isTrue();
    }

    /** Steps until a's handover write to b; returns its time. */
    long untilHandoverWrite() {
        for (int i = 0; i < 100 && disk.handover(A, B).isEmpty(); i++) {
            step();
        }
        return disk.handover(A, B).orElseThrow(() -> new AssertionError("no handover within 1 s")).at();
    }

    @Test
    void theLeaseMovesToTheHeavierNodeWithoutEitherLosingQuorumAndATieKeepsIt() {
        aHoldsIt();
        b.weight = 1;
        long changed = t;
        while (!b.lease.holdsValidLease(t)) {
            step();
            assertThat(a.granted && b.granted).as("both quorate throughout the handover (%d ms)", t / MS).isTrue();
            assertThat(t - changed).as("handover time").isLessThanOrEqualTo(400 * MS);
        }
        assertThat(disk.record().holder()).isEqualTo(B);
        assertThat(disk.record().members()).containsExactlyInAnyOrder(A, B);
        Write handover = disk.handover(A, B).orElseThrow();
        Write adopt = disk.writes.get(disk.writes.indexOf(handover) + 1);
        assertThat(adopt.writer()).as("the taker's own write makes it the holder").isEqualTo(B);
        assertThat(adopt.record().holder()).isEqualTo(B);
        assertThat(adopt.record().counter()).isGreaterThan(handover.record().counter());
        assertThat(b.lease.status(t)).contains("held by this node b").contains("weight of b: 1");

        // a tie keeps the current holder: no ping-pong
        a.weight = 1;
        int writesBefore = disk.writes.size();
        for (int i = 0; i < 200; i++) {
            step();
            assertThat(a.granted && b.granted).isTrue();
        }
        assertThat(disk.writes.subList(writesBefore, disk.writes.size())).allMatch(w -> w.writer().equals(B)
                && w.record().holder().equals(B));

        // a heavier again: back to a, still without a gap
        a.weight = 2;
        changed = t;
        while (!a.lease.holdsValidLease(t)) {
            step();
            assertThat(a.granted && b.granted).isTrue();
            assertThat(t - changed).isLessThanOrEqualTo(400 * MS);
        }
        run(500);
        assertThat(a.lease.holdsValidLease(t) && a.granted && b.granted).isTrue();
    }

    /**
     * A holder that leaves on purpose (stop, upgrade) hands the lease to the peer while still in its view: the peer
     * adopts it and, once the holder is gone from its view, keeps its groups (quorate or settling) throughout.
     * Without the handover the peer has no quorum until the lease expires, and its no-quorum policy stops its
     * groups: what UpgradeLabIT saw.
     */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aHolderLeavingOnPurposeHandsTheLeaseOverSoThePeerKeepsItsGroups(boolean handOver) {
        aHoldsIt();
        Optional<LeaseRecord> offer = handOver ? a.lease.offerBeforeLeaving(t) : Optional.empty();
        if (handOver) {
            assertThat(offer).hasValueSatisfying(o -> assertThat(o.holder()).isEqualTo(B));
            assertThat(a.lease.holdsValidLease(t)).as("a stops counting on the lease at once").isFalse();
        }
        a.frozen = true; // a does nothing more: it is stopping (still in b's view until its channel closes)
        for (int i = 0; i < 50 && handOver && !a.lease.takenOver(offer.get()); i++) {
            step();
            assertThat(b.granted).as("b quorate while it takes the lease over (%d ms)", t / MS).isTrue();
        }
        if (handOver) {
            assertThat(a.lease.takenOver(offer.get())).as("b took the lease over while a was still in view").isTrue();
        }
        b.view = Set.of(B); // a's channel closed: b's view shrinks
        boolean alwaysKept = true;
        for (int i = 0; i < 300; i++) { // 3 s, longer than lease + margin
            t += 10 * MS;
            disk.now = t;
            Tiebreaker.Verdict v = b.lease.evaluate(b.view, t);
            alwaysKept &= v.granted() || v.settling();
        }
        assertThat(b.lease.evaluate(b.view, t).granted()).as("b alone holds the lease in the end").isTrue();
        assertThat(alwaysKept).as(handOver ? "with the handover b keeps its groups throughout"
                : "without it b is without quorum (not settling) until the lease expires").isEqualTo(handOver);
    }

    @Test
    void aNodeThatHoldsNoLeaseHasNothingToHandOverBeforeLeaving() {
        aHoldsIt();
        assertThat(b.lease.offerBeforeLeaving(t)).isEmpty();
        assertThat(disk.writes).allMatch(w -> w.record().holder().equals(A));
    }

    @Test
    void aLighterOrAbsentPeerNeverGetsTheLease() {
        a.weight = 3;
        b.weight = 2;
        aHoldsIt();
        run(2000);
        assertThat(disk.writes).allMatch(w -> w.record().holder().equals(A));
        // b's view does not contain a: a does not hand over to it even if b is heavier (a's view still has b, but
        // the record must list exactly a's view for a handover, and a's view shrank)
        a.view = Set.of(A);
        b.view = Set.of(B);
        b.weight = 9;
        run(3000);
        assertThat(disk.record().holder()).isEqualTo(A);
        assertThat(a.granted).isTrue();
        assertThat(b.granted).isFalse();
    }

    /**
     * The interconnect is cut at the instant after the handover write; each side installs its shrunk view after
     * the given delay (failure detection can differ per side). b (heavier, running the services) must end up the
     * quorate side; never both.
     */
    @ParameterizedTest(name = "a sees the cut after {0} ms, b after {1} ms")
    @CsvSource({"0, 0", "0, 300", "300, 0", "300, 300", "150, 450"})
    void cutRightAfterTheHandoverWrite(long aDelayMs, long bDelayMs) {
        aHoldsIt();
        b.weight = 1;
        long cut = untilHandoverWrite();
        assertThat(cut).isEqualTo(t);
        boolean bSettled = false;
        for (long end = t + 3000 * MS; t < end; ) {
            if (t - cut >= aDelayMs * MS) {
                a.view = Set.of(A);
            }
            if (t - cut >= bDelayMs * MS) {
                b.view = Set.of(B);
            }
            step();
            if (a.view.size() == 1) {
                assertThat(a.granted).as("a alone after handing over (%d ms after the cut)", (t - cut) / MS)
                        .isFalse();
            }
            assertThat(a.lease.peek(a.view, t).settling()).as("a gave the lease away").isFalse();
            bSettled |= b.lease.peek(b.view, t).settling();
        }
        assertThat(b.lease.holdsValidLease(t)).isTrue();
        assertThat(b.granted).isTrue();
        assertThat(disk.record().holder()).isEqualTo(B);
        assertThat(disk.record().members()).containsExactly(B);
        assertThat(bSettled).as("b waited out a as a settling holder").isTrue();
    }

    /**
     * a freezes right after its handover write; b takes the lease over, then excludes a (failure detection).
     * a wakes with its stale two-node view: it must not count itself quorate beside b.
     */
    @Test
    void holderFrozenRightAfterTheHandoverWrite() {
        aHoldsIt();
        b.weight = 1;
        long h = untilHandoverWrite();
        a.frozen = true;
        while (t < h + 400 * MS) {
            step();
        }
        assertThat(b.lease.holdsValidLease(t)).as("b took it over while a was frozen").isTrue();
        b.view = Set.of(B);
        run(2000);
        assertThat(b.granted).isTrue();
        a.frozen = false; // a wakes; its view still lists b
        for (int i = 0; i < 100; i++) {
            step();
            assertThat(a.granted).as("stale a after waking, %d ms", i * 10).isFalse();
        }
        assertThat(b.granted).isTrue();
        // the interconnect comes back: a is counted in again by b's record
        a.view = Set.of(A, B);
        b.view = Set.of(A, B);
        run(500);
        assertThat(a.granted && b.granted).isTrue();
        assertThat(disk.record().holder()).isEqualTo(B);
    }

    /** b freezes before it could write its adopting renewal, briefly (less than a lease): it adopts on waking. */
    @Test
    void takerFrozenBrieflyBeforeItsAdoptingWriteTakesOverOnWaking() {
        aHoldsIt();
        b.weight = 1;
        long h = untilHandoverWrite();
        b.frozen = true;
        while (t < h + 500 * MS) {
            step();
            assertThat(a.granted).as("a counted in by its own handover record").isTrue();
            assertThat(a.lease.holdsValidLease(t)).isFalse();
        }
        b.frozen = false;
        step();
        assertThat(b.lease.holdsValidLease(t)).isTrue();
        run(1000);
        assertThat(a.granted && b.granted).isTrue();
        assertThat(disk.writes).noneMatch(w -> w.writer().equals(A) && w.at() > h);
    }

    /**
     * b sees the offer late (frozen 500 ms), takes it over and freezes again at once, for long. Its lease runs
     * from its own adopting write, and a (which excluded it) waits lease + margin from seeing that write, so a
     * takes the lease back only after b's ran out. (Were b the holder from merely reading the offer, its lease
     * would run from that read while a's wait runs from the handover write: two valid leases.)
     */
    @Test
    void takerThatTakesOverLateAndFreezesAgainIsOutlivedByItsOwnWrite() {
        aHoldsIt();
        b.weight = 1;
        long h = untilHandoverWrite();
        b.frozen = true;
        while (t < h + 500 * MS) {
            step();
        }
        b.frozen = false;
        step();
        assertThat(b.lease.holdsValidLease(t)).isTrue();
        b.frozen = true;
        run(100);
        a.view = Set.of(A);
        long aHeld = -1;
        for (long end = t + 3000 * MS; t < end; ) {
            step(); // checks: never two valid leases
            if (aHeld < 0 && a.lease.holdsValidLease(t)) {
                aHeld = t;
            }
        }
        assertThat(aHeld).as("a took the lease back").isPositive();
        assertThat(aHeld - h).isGreaterThanOrEqualTo(1700 * MS);
    }

    /**
     * b freezes before its adopting write and a is excluded from b's view meanwhile; a keeps its grant only while
     * it sees b, then takes the lease back as a taker (lease + margin after its handover write).
     */
    @Test
    void takerFrozenLongBeforeItsAdoptingWriteLeavesTheLeaseToTheOtherSide() {
        aHoldsIt();
        b.weight = 1;
        long h = untilHandoverWrite();
        b.frozen = true;
        run(300);
        a.view = Set.of(A); // failure detection excludes the frozen b
        long aGrantedAt = -1;
        for (long end = h + 3000 * MS; t < end; ) {
            step();
            if (a.granted && aGrantedAt < 0) {
                aGrantedAt = t;
            }
        }
        assertThat(aGrantedAt - h).as("a waits lease + margin, then settle, then 2 x renew + margin")
                .isGreaterThanOrEqualTo(1200 * MS);
        assertThat(a.lease.holdsValidLease(t)).isTrue();
        b.frozen = false; // wakes with its stale view {a, b}
        for (int i = 0; i < 200; i++) {
            step();
            assertThat(b.granted).isFalse();
        }
        assertThat(disk.record().holder()).isEqualTo(A);
    }

    /**
     * An offer seen more than a lease time after the taker's previous read is not adopted (the old holder may be
     * taking the lease back right now): the taker waits lease + margin like any taker. Here a cannot take it back
     * (its disk path failed), so b ends up holding it the slow way.
     */
    @Test
    void aStaleOfferIsNotAdopted() {
        aHoldsIt();
        b.weight = 1;
        long h = untilHandoverWrite();
        b.frozen = true;
        a.diskUp = false;
        run(1500);
        a.view = Set.of(A);
        b.view = Set.of(B);
        b.frozen = false;
        long woke = t;
        while (!b.granted) {
            step();
            assertThat(t - h).isLessThan(5000 * MS);
        }
        assertThat(t - woke).as("b waited lease + margin from waking instead of adopting").isGreaterThanOrEqualTo(
                1200 * MS);
        assertThat(b.lease.holdsValidLease(t)).isTrue();
        assertThat(a.granted).isFalse();
    }

    @Test
    void aFailedHandoverWriteGivesTheLeaseUpUntilItExpires() {
        aHoldsIt();
        disk.failHandovers = true;
        b.weight = 1;
        for (int i = 0; i < 100 && disk.failedHandovers == 0; i++) {
            step();
        }
        assertThat(disk.failedHandovers).isOne();
        long failed = t;
        assertThat(a.lease.holdsValidLease(t)).as("a does not count on a lease it may have handed over").isFalse();
        assertThat(a.granted).isFalse();
        disk.failHandovers = false;
        while (!b.lease.holdsValidLease(t)) {
            step();
            assertThat(t - failed).as("a re-acquires after lease + margin, then hands over").isLessThan(3000 * MS);
        }
        run(500);
        assertThat(a.granted && b.granted).isTrue();
    }

    /**
     * The heavier node's disk path is broken (its slot still says heavier): the offer lapses, the node that made
     * it takes the lease back after lease + margin (even though it is not the preferred acquirer... here it is
     * not needed, a is), and offers it again only once b has rewritten its slot, i.e. its disk works again.
     */
    @Test
    void anOfferToANodeThatCannotUseTheDiskLapsesAndIsRepeatedOnlyAfterItRecovers() {
        aHoldsIt();
        b.weight = 1;
        while (disk.weights.get(B) == null || disk.weights.get(B).weight() != 1) {
            step();
        }
        b.diskUp = false;
        long h = untilHandoverWrite();
        while (!a.lease.holdsValidLease(t)) {
            step();
            assertThat(t - h).as("a takes its lapsed offer back").isLessThan(2000 * MS);
        }
        assertThat(t - h).isGreaterThanOrEqualTo(1200 * MS);
        run(3000);
        assertThat(disk.writes.stream().filter(w -> w.writer().equals(A) && w.record().holder().equals(B)))
                .as("no second offer while b cannot write").hasSize(1);
        assertThat(a.granted).isTrue();
        b.diskUp = true;
        long recovered = t;
        while (!b.lease.holdsValidLease(t)) {
            step();
            assertThat(t - recovered).isLessThan(1000 * MS);
        }
        run(500);
        assertThat(a.granted && b.granted).isTrue();
    }

    /** Same with b as the lower id: a (not the preferred acquirer in the full view) must still take it back. */
    @Test
    void theNonPreferredNodeTakesItsLapsedOfferBack() {
        Disk d = disk;
        // the holder is b (higher id), the heavier one a (lower id, the preferred acquirer) with a broken disk
        aHoldsIt();
        b.weight = 1;
        while (!b.lease.holdsValidLease(t)) {
            step();
        }
        a.weight = 2;
        while (d.weights.get(A).weight() != 2) {
            step();
        }
        a.diskUp = false;
        for (int i = 0; i < 100 && d.handover(B, A).isEmpty(); i++) {
            step();
        }
        long h = d.handover(B, A).orElseThrow().at();
        while (!b.lease.holdsValidLease(t)) {
            step();
            assertThat(t - h).as("b takes its lapsed offer back though a is the lower id").isLessThan(2000 * MS);
        }
        run(2000);
        assertThat(b.granted).isTrue();
    }

    @Test
    void aThrowingWeightCountsAsZero() {
        DiskLeaseTiebreaker throwing = new DiskLeaseTiebreaker(A, disk.viewFor(a), Duration.ofMillis(100),
                Duration.ofMillis(1000), Duration.ofMillis(200), () -> {
                    throw new IllegalStateException("failover not ready");
                });
        for (long now = 0; !throwing.evaluate(Set.of(A), now).granted(); now += 10 * MS) {
            assertThat(now).isLessThan(3000 * MS);
        }
        assertThat(disk.weights.get(A).weight()).isZero();
    }

    @Test
    void fileStoreKeepsWeightSlotsBesideTheRecordInTheSameFormat(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("lease.img");
        FileLeaseStore store = new FileLeaseStore(img, 8192, List.of(B, A));
        FileLeaseStore old = new FileLeaseStore(img, 8192); // an older build: record only
        assertThat(store.readWeights()).isEmpty();
        LeaseRecord r = new LeaseRecord(B, 7, Set.of(A, B), 3);
        store.write(r);
        store.writeWeight(B, new WeightSlot(2, 10));
        store.writeWeight(A, new WeightSlot(0, 7));
        assertThat(store.readWeights()).containsExactlyInAnyOrderEntriesOf(Map.of(A, new WeightSlot(0, 7), B,
                new WeightSlot(2, 10)));
        assertThat(old.read()).contains(r);
        assertThat(store.length()).isEqualTo(3 * 4096);
        assertThat(Files.size(img)).isEqualTo(8192 + 3 * 4096); // slot of a (sorted first), then b
        store.writeWeight(B, new WeightSlot(5, 11));
        assertThat(new FileLeaseStore(img, 8192, List.of(A, B)).readWeights()).containsEntry(B, new WeightSlot(5, 11));
        assertThatThrownBy(() -> store.writeWeight(NodeId.of("c"), new WeightSlot(1, 1))).isInstanceOf(IOException.class)
                .hasMessageContaining("no weight slot for node 'c'");
        try (var ch = java.nio.channels.FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), 8192 + 2 * 4096 + 20);
        }
        assertThatThrownBy(store::readWeights).isInstanceOf(IOException.class)
                .hasMessageContaining("weight slot 1").hasMessageContaining("checksum");
        assertThat(store.read()).contains(r);
    }
}
