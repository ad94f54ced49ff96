package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.quorum.Tiebreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disk arbitration lease (a delta lease, as in sanlock): one record on the shared disk, held by one node and
 * renewed with a durable write every renew interval.
 *
 * <p>Safety rests on two clocks never being compared: the holder stops counting on the lease at
 * {@code start of its last successful renewal + lease time} by its own monotonic clock (so a holder frozen by
 * a long GC pause or SIGSTOP has already given up when it wakes), while a taker waits {@code lease time + margin}
 * after it last <em>saw the record change</em>. A taker writes, waits a settle time and re-reads: only if its
 * write survived does it hold the lease, so two simultaneous takers cannot both win.
 *
 * <p>The record also lists the holder's partition. The other node counts itself quorate only while a fresh
 * record lists it (each read grants {@code readValidity}); when the holder's view shrinks it writes the new list
 * and waits {@code readValidity + margin} before acting alone, so a peer with a stale view has lost its grant.
 *
 * <p>Handover (as sanlock's lease requests): every node publishes its {@link org.duplex.api.cluster.TiebreakerWeight
 * weight} (groups active on it) in its own slot of the store. At each renewal the holder reads the slots; when a
 * member of its current view, which the record already lists and whose grant wait is over, is strictly heavier
 * (a tie keeps the current holder, so no ping-pong), the holder writes, instead of its renewal, a record naming
 * that node and drops to a plain member: from then on it is quorate only by the member grant of that record. The
 * named node does not hold the lease by reading it: it must write its own renewal, and holds the lease from the
 * start of that write, so a taker's wait (lease + margin from the last change it saw) stays sound. It adopts only
 * an offer that replaced another holder's record since its previous successful read, and only while that read
 * is less than a lease time old: the holder that handed over cannot take the lease back before lease + margin
 * after its handover write, which was after that read. A node that was frozen or cut off from the disk for
 * longer ignores the offer and waits for the lease to expire like any taker. An offer nobody took over lapses:
 * after lease + margin (the taker's wait) the node that made it takes the lease back, preferred acquirer or not,
 * and skips that target until its slot shows a new sequence (slots are rewritten at least once per lease time).
 * While a holder with a valid lease waits out an excluded peer its verdict is {@link Verdict#settling settling}.
 *
 * <p>Fenced takeover ({@link #useFencing}): when the holder, which this node saw renewing, has left this node's
 * view and its record has not changed for {@code stall} (it renews every renew interval), this node asks for it to
 * be fenced; once a fence confirmed after the last change this node saw reports it off, it cannot renew any more,
 * so this node writes its own record at once and holds the lease without the settle (the only other writer is off) and without waiting out
 * member grants (only when the record lists nobody but the holder and this node: nobody else can hold one). This is
 * what makes a two-node failover take about a second instead of lease + margin. It trusts the fencing device: a
 * device that neither powers the node off nor cuts it from the lease disk must not be used for it.
 * The same applies after a plain expiry: a lease taken over from another holder whose record listed only it and
 * this node needs no grant wait either (the old holder's own validity ended before the taker's wait did).
 */
public final class DiskLeaseTiebreaker implements Tiebreaker {

    private static final Logger LOG = LoggerFactory.getLogger(DiskLeaseTiebreaker.class);

    private enum Phase { NONE, ACQUIRING, HELD }

    private final NodeId self;
    private final LeaseStore store;
    private final long renewNanos;
    private final long leaseNanos;
    private final long marginNanos;
    private final long readValidityNanos;
    private final long settleNanos;

    private Phase phase = Phase.NONE;
    private long lastIoAt;
    private boolean ioStarted;
    private boolean everRead;
    private Optional<LeaseRecord> lastSeen = Optional.empty();
    private long lastChangeSeenAt;
    private long myCounter;
    private long acquireWriteAt;
    private long acquireDoneAt;
    private Set<NodeId> acquireMembers = Set.of();
    private long validUntil;
    private Set<NodeId> writtenMembers = Set.of();
    private long membersSince;
    private long memberGrantUntil;
    private NodeId grantHolder;
    private String lastProblem = "not read yet";
    private long observedEpoch;
    private long publishedEpoch;
    private long writtenEpoch;
    private long acquireEpoch;
    private final IntSupplier weight;
    /** Reads the same clock as the {@code now} arguments, to time the disk I/O; null = I/O takes no time (tests). */
    private final LongSupplier clock;
    private long slowestIoNanos;
    private String slowestIo;
    private long slowIoLoggedAt = Long.MIN_VALUE;
    private long lastReadAt;
    private boolean offered;
    private long offerNotBefore;
    private NodeId offeredBy;
    private boolean staleOfferLogged;
    private int publishedWeight = -1;
    private boolean republish = true;
    private long slotSequence = System.nanoTime(); // differs from any earlier incarnation's
    private String weightProblem;
    private Map<NodeId, WeightSlot> lastWeights = Map.of();
    private long offerTargetSequence;
    private long lastSlotWriteAt;
    private LeaseRecord myOffer;
    private final Map<NodeId, Long> unclaimedOffers = new java.util.HashMap<>();
    private HolderFencing fencing = HolderFencing.NONE;
    private long fenceStallNanos;
    private NodeId fenceTarget;
    private long fenceNotBefore;
    private String fenceLogged;
    private boolean acquireNeedsNoWait;
    /** The last change this node saw was a write it watched happen, not merely the record found at its first read. */
    private boolean changeWatched;
    /**
     * Every node this node has had in its view since it started. A holder never seen in the view did not "leave" it:
     * at a cold start where both nodes came up as singletons (a JOIN that timed out under load) the other node's
     * lease is no grounds for a fence — this node has no quorum (wait_for_all) and starts nothing anyway — and
     * fencing there powered off a healthy peer and left a pair that never formed (SambaShareIT, 2026-12-06).
     */
    private final Set<NodeId> everInView = new java.util.HashSet<>();

    /** A lease that is never handed over: this node's weight is always 0. */
    public DiskLeaseTiebreaker(NodeId self, LeaseStore store, Duration renewInterval, Duration leaseTime,
                               Duration margin) {
        this(self, store, renewInterval, leaseTime, margin, () -> 0);
    }

    /**
     * @param weight this node's tiebreaker weight (groups active here), sampled at every lease I/O; must not
     *               block; a negative value or an exception counts as 0
     */
    public DiskLeaseTiebreaker(NodeId self, LeaseStore store, Duration renewInterval, Duration leaseTime,
                               Duration margin, IntSupplier weight) {
        this(self, store, renewInterval, leaseTime, margin, weight, null);
    }

    /**
     * @param clock the clock the {@code now} arguments come from, read after each write to the disk: the waits that
     *              keep a peer's grant from overlapping this node acting alone start when the record is on the disk,
     *              not when the write began (a write may take longer than the margin on a loaded machine); null
     *              treats I/O as instantaneous (tests on a virtual clock that never advances during a call)
     */
    public DiskLeaseTiebreaker(NodeId self, LeaseStore store, Duration renewInterval, Duration leaseTime,
                               Duration margin, IntSupplier weight, LongSupplier clock) {
        this.self = self;
        this.clock = clock;
        this.store = store;
        this.weight = Objects.requireNonNull(weight, "weight");
        this.renewNanos = renewInterval.toNanos();
        this.leaseNanos = leaseTime.toNanos();
        this.marginNanos = margin.toNanos();
        if (renewNanos <= 0 || marginNanos <= 0 || leaseNanos < 3 * renewNanos) {
            throw new IllegalArgumentException("disk lease: need renew > 0, margin > 0 and lease time >= 3 x renew"
                    + " interval (renew " + renewInterval.toMillis() + " ms, lease " + leaseTime.toMillis() + " ms)");
        }
        // four renewals: a member's reads come every renew interval, so a read may take up to three of them (a
        // stalled disk or a starved thread on a saturated machine) before the grant runs out; it was two, and a
        // 45-minute soak lost quorum for 1 ms on the standby when one read took longer than a renewal
        this.readValidityNanos = 4 * renewNanos;
        this.settleNanos = renewNanos;
    }

    /**
     * Enables fenced takeover (see the class comment): a holder outside this node's view whose record has not
     * changed for {@code stall} is fenced through {@code fencing} and its lease taken at once when the fence is
     * confirmed.
     */
    public synchronized void useFencing(HolderFencing fencing, Duration stall) {
        if (stall.toNanos() < 2 * renewNanos) {
            throw new IllegalArgumentException("disk lease: the fencing stall must be at least 2 x the renew interval"
                    + " (" + stall.toMillis() + " ms < 2 x " + renewNanos / 1_000_000 + " ms)");
        }
        this.fencing = Objects.requireNonNull(fencing, "fencing");
        this.fenceStallNanos = stall.toNanos();
    }

    @Override
    public synchronized Verdict evaluate(Set<NodeId> partition, long now) {
        everInView.addAll(partition);
        // reasons not to wait for the next renew slot: the hung holder just left the view (fence it now), its fence
        // was just confirmed (take the lease now), a new coordinator epoch to carry (the term is established only
        // once the record holds it)
        boolean early = now - lastIoAt >= renewNanos / 5
                && (phase == Phase.NONE && fenceTarget == null && holderLooksHung(partition, now)
                || phase == Phase.NONE && fenceTarget != null
                && fencing.state(fenceTarget, fenceNotBefore).status() == HolderFencing.Status.CONFIRMED
                || phase == Phase.HELD && publishedEpoch > writtenEpoch);
        if (!everRead || now - lastIoAt >= renewNanos || early) {
            lastIoAt = now;
            ioStarted = true;
            doIo(partition, now);
        }
        return peek(partition, now);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public void handOverBeforeLeaving() {
        Optional<LeaseRecord> offer = offerBeforeLeaving(System.nanoTime());
        if (offer.isEmpty()) {
            return;
        }
        long end = System.nanoTime() + 4 * renewNanos;
        while (System.nanoTime() - end < 0) {
            if (takenOver(offer.get())) {
                LOG.info("Disk lease: {} took over the lease {} handed it before leaving", offer.get().holder(), self);
                return;
            }
            try {
                Thread.sleep(Math.max(1, renewNanos / 5_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("Disk lease: {} did not take over within {} ms the lease {} handed it before leaving; it will take"
                + " it when the lease expires", offer.get().holder(), 4 * renewNanos / 1_000_000, self);
    }

    /**
     * Before leaving the cluster on purpose: if this node holds a valid lease whose record lists another member,
     * writes a record naming that member (the lowest id) as a handover, and stops counting on the lease. That
     * member adopts it at its next read (see the class comment), so it never loses its quorum over a lease whose
     * holder is gone. Nothing when this node holds no lease or nobody else is listed.
     *
     * @return the record written
     */
    public synchronized Optional<LeaseRecord> offerBeforeLeaving(long now) {
        if (phase != Phase.HELD || now >= validUntil) {
            return Optional.empty();
        }
        Optional<NodeId> target = writtenMembers.stream().filter(m -> !m.equals(self)).min(NodeId::compareTo);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        long epoch = Math.max(publishedEpoch, writtenEpoch);
        LeaseRecord offer = new LeaseRecord(target.get(), myCounter + 1, writtenMembers, epoch);
        phase = Phase.NONE; // from here on this node does not count on the lease, written or not
        offered = false;
        lastChangeSeenAt = now;
        try {
            store.write(offer);
        } catch (IOException e) {
            LOG.warn("Disk lease at {}: handing it to {} before leaving failed ({}); it takes the lease when it"
                    + " expires", store, target.get(), e.toString());
            return Optional.empty();
        }
        lastSeen = Optional.of(offer);
        myOffer = offer;
        LOG.info("Disk lease at {} handed to {} because {} is leaving the cluster", store, target.get(), self);
        return Optional.of(offer);
    }

    /** Whether the member named by {@code offer} has written its own record since (it holds the lease). */
    public boolean takenOver(LeaseRecord offer) {
        try {
            return store.read().filter(r -> r.holder().equals(offer.holder()) && r.counter() > offer.counter())
                    .isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized long nextIoDueNanos() {
        // before the first read every evaluate does I/O; after a failed one, the next is due like a renewal
        return ioStarted ? lastIoAt + renewNanos : Long.MIN_VALUE;
    }

    private void doIo(Set<NodeId> partition, long now) {
        Optional<LeaseRecord> rec;
        try {
            rec = store.read();
            ioDone(now, "read");
            lastProblem = null;
        } catch (IOException e) {
            String problem = "cannot read lease at " + store + ": " + e;
            if (!problem.equals(lastProblem)) {
                LOG.warn("Disk lease: {} (the lease will expire if this persists)", problem);
            }
            lastProblem = problem;
            republish = true; // once the disk answers again, tell a holder this node can use it
            return;
        }
        rec.ifPresent(r -> observedEpoch = Math.max(observedEpoch, r.epoch()));
        if (!everRead || !rec.equals(lastSeen)) {
            // a handover offer: since this node's previous read, another holder's record was replaced by one
            // naming this node, which this node did not write
            offered = everRead && phase == Phase.NONE && lastSeen.isPresent() && !lastSeen.get().holder().equals(self)
                    && rec.isPresent() && rec.get().holder().equals(self);
            if (offered) {
                offerNotBefore = lastReadAt;
                offeredBy = lastSeen.get().holder();
                staleOfferLogged = false;
            }
            lastChangeSeenAt = now;
            changeWatched = everRead;
            lastSeen = rec;
            everRead = true;
        }
        lastReadAt = now;
        try {
            leaseStep(partition, now, rec);
        } finally {
            publishWeight(now); // after the lease work, so a slot write never delays a renewal
        }
    }

    private void leaseStep(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
        switch (phase) {
            case ACQUIRING -> {
                if (now - acquireDoneAt < settleNanos) {
                    return;
                }
                if (rec.isPresent() && rec.get().holder().equals(self) && rec.get().counter() == myCounter) {
                    phase = Phase.HELD;
                    writtenEpoch = Math.max(writtenEpoch, acquireEpoch);
                    validUntil = acquireWriteAt + leaseNanos;
                    writtenMembers = acquireMembers;
                    membersSince = acquireNeedsNoWait ? acquireWriteAt - readValidityNanos - marginNanos
                            : acquireDoneAt;
                    LOG.info("Disk lease at {} acquired by {} (members {})", store, self, acquireMembers);
                } else {
                    phase = Phase.NONE;
                    LOG.info("Disk lease at {}: lost the race to {}", store, rec.map(LeaseRecord::holder).orElse(null));
                }
            }
            case HELD -> {
                if (rec.isPresent() && !rec.get().holder().equals(self) && rec.get().counter() <= myCounter
                        && now < validUntil) {
                    // Nobody may take a lease that is renewed: a writer whose record does not follow this node's
                    // latest one read it before that renewal and wrote after it, i.e. it was paused in between (a
                    // frozen former holder waking up mid-renewal). Rewriting keeps the lease where it is; the
                    // writer sees this record at its next read and gives up.
                    LOG.warn("Disk lease at {}: {} wrote a stale record (counter {}, this node's is {}: it was paused"
                            + " between reading and writing); {} still holds the lease and rewrites it", store,
                            rec.get().holder(), rec.get().counter(), myCounter, self);
                    rec = Optional.of(new LeaseRecord(self, myCounter, writtenMembers, rec.get().epoch()));
                }
                if (rec.isEmpty() || !rec.get().holder().equals(self) || rec.get().counter() != myCounter) {
                    phase = Phase.NONE;
                    LOG.warn("Disk lease at {} was taken by {}: this node no longer holds it", store,
                            rec.map(LeaseRecord::holder).orElse(null));
                    noneStep(partition, now, rec);
                } else if (now >= validUntil) {
                    // Frozen or unable to write for a whole lease: the peer may be taking it right now, so start
                    // over as a taker would (write, settle, re-read) instead of renewing in place.
                    LOG.warn("Disk lease at {} expired on this node's clock before it could renew; re-acquiring", store);
                    tryAcquire(partition, now, rec);
                } else if (!maybeHandOver(partition, now, rec.get())) {
                    long epoch = Math.max(publishedEpoch, rec.get().epoch());
                    LeaseRecord next = new LeaseRecord(self, myCounter + 1, partition, epoch);
                    try {
                        store.write(next);
                    } catch (IOException e) {
                        String problem = "cannot renew lease at " + store + ": " + e;
                        if (!problem.equals(lastProblem)) {
                            LOG.warn("Disk lease: {}; it ends in {} ms", problem, (validUntil - now) / 1_000_000);
                        }
                        lastProblem = problem;
                        return;
                    }
                    long done = ioDone(now, "renewal");
                    myCounter++;
                    lastSeen = Optional.of(next);
                    writtenEpoch = epoch;
                    validUntil = now + leaseNanos;
                    if (!partition.containsAll(writtenMembers)) {
                        membersSince = done;
                    }
                    writtenMembers = Set.copyOf(partition);
                }
            }
            case NONE -> noneStep(partition, now, rec);
        }
    }

    /**
     * The clock after an I/O that began at {@code start}; notes and, at most once a minute, logs an I/O slower than
     * a renew interval (a member's grant lasts {@code readValidity} from the start of its read).
     */
    private long ioDone(long start, String what) {
        if (clock == null) {
            return start;
        }
        long done = Math.max(start, clock.getAsLong());
        long took = done - start;
        if (took > slowestIoNanos) {
            slowestIoNanos = took;
            slowestIo = what;
        }
        if (took >= renewNanos && done - slowIoLoggedAt >= 60_000_000_000L) {
            slowIoLoggedAt = done;
            LOG.warn("Disk lease: a {} of {} took {} ms, longer than the renew interval ({} ms). A member stays quorate"
                    + " for {} ms from the start of its last read: a disk (or a starved node) slower than that costs"
                    + " quorum. Check the device's latency (iostat -x) and the node's CPU.", what, store,
                    took / 1_000_000, renewNanos / 1_000_000, readValidityNanos / 1_000_000);
        }
        return done;
    }

    private int ownWeight() {
        int w;
        try {
            w = weight.getAsInt();
        } catch (RuntimeException e) {
            String problem = "the tiebreaker weight could not be read (" + e + "); counting 0";
            if (!problem.equals(weightProblem)) {
                LOG.warn("Disk lease: {}", problem);
            }
            weightProblem = problem;
            return 0;
        }
        return Math.max(0, w);
    }

    /**
     * Writes this node's weight into its slot when it differs from what the slot holds, after any disk I/O
     * failure, and at least once per lease time, each time with a new sequence: a holder whose offer this node
     * let lapse (frozen, disk path down) sees from it that this node can write again.
     */
    private void publishWeight(long now) {
        int w = ownWeight();
        if (w == publishedWeight && !republish && now - lastSlotWriteAt < leaseNanos) {
            return;
        }
        try {
            store.writeWeight(self, new WeightSlot(w, ++slotSequence));
        } catch (IOException e) {
            republish = true;
            String problem = "cannot publish this node's weight " + w + " at " + store + ": " + e
                    + " (the lease will not be handed to this node)";
            if (!problem.equals(weightProblem)) {
                LOG.warn("Disk lease: {}", problem);
            }
            weightProblem = problem;
            return;
        }
        LOG.debug("Disk lease at {}: published weight {} for {}", store, w, self);
        weightProblem = null;
        publishedWeight = w;
        republish = false;
        lastSlotWriteAt = now;
    }

    /**
     * At a renewal: hands the lease to the heaviest strictly heavier member of this node's view, if the record
     * already lists exactly this view and its grant wait is over (so no excluded peer can hold a grant).
     *
     * @return true when this renewal slot was used for a handover write (written or failed)
     */
    private boolean maybeHandOver(Set<NodeId> partition, long now, LeaseRecord current) {
        if (partition.size() < 2 || !partition.equals(writtenMembers)
                || now < membersSince + readValidityNanos + marginNanos) {
            return false;
        }
        Map<NodeId, WeightSlot> weights;
        try {
            weights = store.readWeights();
        } catch (IOException e) {
            String problem = "cannot read the weight slots at " + store + ": " + e + " (the lease stays here)";
            if (!problem.equals(weightProblem)) {
                LOG.warn("Disk lease: {}", problem);
            }
            weightProblem = problem;
            return false;
        }
        lastWeights = Map.copyOf(weights);
        int mine = ownWeight();
        NodeId target = null;
        int best = mine;
        for (NodeId m : new TreeSet<>(partition)) {
            WeightSlot w = weights.get(m);
            // not to a node that let an offer lapse, until it has rewritten its slot (its disk works again)
            if (!m.equals(self) && w != null && w.weight() > best
                    && !Long.valueOf(w.sequence()).equals(unclaimedOffers.get(m))) {
                target = m;
                best = w.weight();
            }
        }
        if (target == null) {
            return false;
        }
        long epoch = Math.max(publishedEpoch, current.epoch());
        LeaseRecord handover = new LeaseRecord(target, myCounter + 1, partition, epoch);
        phase = Phase.NONE; // whether or not the write lands, this node no longer counts on the lease
        offered = false;
        lastChangeSeenAt = now; // no taking it back before lease + margin from here
        try {
            store.write(handover);
        } catch (IOException e) {
            LOG.warn("Disk lease at {}: handing it to {} failed ({}); this node gives it up and waits for it to expire"
                    + " or be renewed by {}", store, target, e.toString(), target);
            lastProblem = "cannot hand the lease to " + target + " at " + store + ": " + e;
            grantHolder = null;
            return true;
        }
        ioDone(now, "handover write");
        lastSeen = Optional.of(handover);
        myOffer = handover;
        offerTargetSequence = weights.get(target).sequence();
        writtenEpoch = epoch;
        // this node just wrote a record that lists it under a holder in its view: the same grant as a read
        memberGrantUntil = now + readValidityNanos;
        grantHolder = target;
        LOG.info("Disk lease handed to {} (weight {} > {} on {}) at {}; it holds the lease once its own renewal"
                + " is written, {} stays quorate as a listed member", target, best, mine, self, store, self);
        return true;
    }

    /** Takes a lease the holder handed to this node: held from the start of this node's own successful write. */
    private void adopt(Set<NodeId> partition, long now, LeaseRecord offer) {
        long epoch = Math.max(publishedEpoch, offer.epoch());
        LeaseRecord mine = new LeaseRecord(self, offer.counter() + 1, partition, epoch);
        try {
            store.write(mine);
        } catch (IOException e) {
            String problem = "cannot take over the lease handed by " + offeredBy + " at " + store + ": " + e;
            if (!problem.equals(lastProblem)) {
                LOG.warn("Disk lease: {} (retrying while the offer is fresh)", problem);
            }
            lastProblem = problem;
            return;
        }
        long done = ioDone(now, "write to take over a handed lease");
        phase = Phase.HELD;
        offered = false;
        myCounter = mine.counter();
        lastSeen = Optional.of(mine);
        writtenEpoch = Math.max(writtenEpoch, epoch);
        validUntil = now + leaseNanos;
        writtenMembers = Set.copyOf(partition);
        // the previous holder's wait for excluded peers was over when it handed over (it lists offer.members());
        // a view that still contains them all excludes nobody who could hold a grant, a smaller one waits
        membersSince = partition.containsAll(offer.members()) ? now - readValidityNanos - marginNanos : done;
        LOG.info("Disk lease taken over by {} from {} at {} (handover; members {})", self, offeredBy, store,
                new TreeSet<>(partition));
    }

    private void noneStep(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
        if (offered && rec.isPresent() && rec.get().holder().equals(self)) {
            if (now - offerNotBefore < leaseNanos) {
                adopt(partition, now, rec.get());
                if (phase == Phase.HELD) {
                    return;
                }
            } else if (!staleOfferLogged) {
                staleOfferLogged = true;
                LOG.warn("Disk lease at {} was handed to {} by {}, but this node saw it {} ms after its previous read"
                        + " (frozen or disk unreachable): it waits for the lease to expire instead", store, self,
                        offeredBy, (now - offerNotBefore) / 1_000_000);
            }
        }
        if (rec.isPresent() && !rec.get().holder().equals(self)) {
            LeaseRecord r = rec.get();
            if (r.members().contains(self) && partition.contains(r.holder()) && now - lastChangeSeenAt < leaseNanos) {
                memberGrantUntil = now + readValidityNanos;
                grantHolder = r.holder();
            }
        }
        boolean expired = now - lastChangeSeenAt >= leaseNanos + marginNanos;
        if (!expired && fencedTakeover(partition, now, rec)) {
            return;
        }
        // the node whose offer lapsed takes the lease back itself (the named node cannot use the disk)
        boolean lapsedOffer = myOffer != null && rec.isPresent() && rec.get().equals(myOffer);
        boolean preferred = partition.size() == 1 || self.equals(Collections.min(partition)) || lapsedOffer;
        if (expired && preferred) {
            if (lapsedOffer) {
                unclaimedOffers.put(myOffer.holder(), offerTargetSequence);
                LOG.warn("Disk lease at {} handed to {} was not taken over within {} ms (its disk path failing?):"
                        + " {} takes it back and offers it to {} again only after it rewrites its weight slot", store,
                        myOffer.holder(), (leaseNanos + marginNanos) / 1_000_000, self, myOffer.holder());
                myOffer = null;
            }
            tryAcquire(partition, now, rec);
        }
    }

    /**
     * The holder of the record this node last read is one it saw renewing, is outside its view, has not renewed
     * for the stall time, and the record lists nobody else: grounds for fencing it when fencing is configured.
     */
    private boolean holderLooksHung(Set<NodeId> partition, long now) {
        if (fencing == HolderFencing.NONE || lastSeen.isEmpty()) {
            return false;
        }
        LeaseRecord r = lastSeen.get();
        NodeId holder = r.holder();
        // only a holder this node saw renewing: a record that never changed since this node started may be left
        // from before a cold start (its holder booting right now), and waiting for it to expire costs nothing then
        return changeWatched && !holder.equals(self) && !partition.contains(holder) && everInView.contains(holder)
                && now - lastChangeSeenAt >= fenceStallNanos && Set.of(holder, self).containsAll(r.members());
    }

    /**
     * Fences a holder that left this node's view and stopped renewing, and takes its lease once the fence is
     * confirmed. Only while the record lists nobody but the holder and this node (always so in two-node mode).
     *
     * @param rec the record just read (it is {@code lastSeen})
     * @return true when this step was spent on it (the caller does nothing else)
     */
    private boolean fencedTakeover(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
        if (rec.isEmpty() || !holderLooksHung(partition, now)) {
            fenceTarget = null;
            return false;
        }
        LeaseRecord r = rec.get();
        NodeId holder = r.holder();
        fenceTarget = holder;
        fenceNotBefore = lastChangeSeenAt;
        HolderFencing.State state = fencing.state(holder, fenceNotBefore);
        String silent = holder + " holds the disk lease but left this node's view and has not renewed it for "
                + (now - lastChangeSeenAt) / 1_000_000 + " ms";
        switch (state.status()) {
            case CONFIRMED -> {
                takeOverFenced(partition, now, r, state.detail());
                return true;
            }
            case RUNNING -> {
                return true;
            }
            case FAILED -> logFenceOnce("Disk lease: fencing " + holder + " failed (" + state.detail() + "); waiting"
                    + " for its lease to expire instead, fencing again after the device's retry interval");
            case NONE -> logFenceOnce("Disk lease: " + silent + ": fencing it to take the lease over at once");
        }
        fencing.request(holder, fenceNotBefore, silent);
        return false;
    }

    private void logFenceOnce(String line) {
        if (!line.equals(fenceLogged)) {
            LOG.warn("{}", line);
            fenceLogged = line;
        }
    }

    private void takeOverFenced(Set<NodeId> partition, long now, LeaseRecord fenced, String detail) {
        long epoch = Math.max(publishedEpoch, fenced.epoch());
        LeaseRecord mine = new LeaseRecord(self, fenced.counter() + 1, partition, epoch);
        try {
            store.write(mine);
        } catch (IOException e) {
            String problem = "cannot write lease at " + store + " to take it over from fenced " + fenced.holder()
                    + ": " + e;
            if (!problem.equals(lastProblem)) {
                LOG.warn("Disk lease: {}", problem);
            }
            lastProblem = problem;
            return;
        }
        ioDone(now, "write to take over from a fenced holder");
        phase = Phase.HELD;
        myCounter = mine.counter();
        lastSeen = Optional.of(mine);
        lastChangeSeenAt = now;
        writtenEpoch = Math.max(writtenEpoch, epoch);
        validUntil = now + leaseNanos;
        writtenMembers = Set.copyOf(partition);
        // no settle (the only other writer is off) and no grant wait (the record listed only it and this node)
        membersSince = now - readValidityNanos - marginNanos;
        offered = false;
        fenceTarget = null;
        fenceLogged = null;
        LOG.warn("Disk lease at {} taken over by {} from {}, fenced after it stopped renewing ({}); members {}",
                store, self, fenced.holder(), detail, new TreeSet<>(partition));
    }

    private void tryAcquire(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
        fenceTarget = null;
        long counter = rec.map(LeaseRecord::counter).orElse(0L) + 1;
        long epoch = Math.max(publishedEpoch, rec.map(LeaseRecord::epoch).orElse(0L));
        LeaseRecord mine = new LeaseRecord(self, counter, partition, epoch);
        try {
            store.write(mine);
        } catch (IOException e) {
            String problem = "cannot write lease at " + store + ": " + e;
            if (!problem.equals(lastProblem)) {
                LOG.warn("Disk lease: {}", problem);
            }
            lastProblem = problem;
            phase = Phase.NONE;
            return;
        }
        acquireDoneAt = ioDone(now, "write to acquire");
        phase = Phase.ACQUIRING;
        // another holder's record listing nobody else: its own validity ended before this wait did, and no third
        // node can hold a member grant from it, so the lease is usable as soon as it is held
        acquireNeedsNoWait = rec.isPresent() && !rec.get().holder().equals(self)
                && Set.of(rec.get().holder(), self).containsAll(rec.get().members());
        acquireEpoch = epoch;
        myCounter = counter;
        acquireWriteAt = now;
        acquireMembers = Set.copyOf(partition);
    }

    @Override
    public synchronized Verdict peek(Set<NodeId> partition, long now) {
        switch (phase) {
            case HELD -> {
                if (now >= validUntil) {
                    return Verdict.deny("disk lease not renewed in time (expired on this node's clock)");
                }
                // A view that only grew (a peer rejoined) keeps the holder quorate: the newcomer is inside this
                // partition, so nothing this side does can run beside it; the record lists it at the next renewal.
                // Denying here made every rejoin stop the active node's groups for one renew interval.
                // Both waits below are "settling": this node holds a valid lease that nobody can take while it
                // renews, and is granted once the excluded peer's grant has run out.
                if (!partition.containsAll(writtenMembers)) {
                    return Verdict.settling("disk lease held, record not yet updated for the new view");
                }
                long readyAt = membersSince + readValidityNanos + marginNanos;
                if (now < readyAt) {
                    return Verdict.settling("disk lease held, waiting " + (readyAt - now) / 1_000_000
                            + " ms until an excluded peer must have seen it");
                }
                return Verdict.grant("disk lease held by this node");
            }
            case ACQUIRING -> {
                return Verdict.deny("acquiring disk lease");
            }
            default -> {
                if (grantHolder != null && now < memberGrantUntil && partition.contains(grantHolder)) {
                    return Verdict.grant("disk lease held by " + grantHolder + ", which counts this node in");
                }
                if (lastProblem != null) {
                    return Verdict.deny(lastProblem);
                }
                if (fenceTarget != null) {
                    HolderFencing.State f = fencing.state(fenceTarget, fenceNotBefore);
                    return Verdict.deny("disk lease held by " + fenceTarget + ", which stopped renewing it "
                            + (now - lastChangeSeenAt) / 1_000_000 + " ms ago: " + switch (f.status()) {
                                case RUNNING, NONE -> "fencing it to take the lease over";
                                case CONFIRMED -> "fenced, taking the lease over";
                                case FAILED -> "fencing it failed (" + f.detail() + "), waiting for the lease to expire";
                            });
                }
                return Verdict.deny(lastSeen.map(r -> "disk lease held by " + r.holder() + " (members "
                                + new TreeSet<>(r.members()) + ", last change seen "
                                + (now - lastChangeSeenAt) / 1_000_000 + " ms ago)")
                        .orElse("disk lease free, waiting " + (leaseNanos + marginNanos) / 1_000_000
                                + " ms before taking it"));
            }
        }
    }

    @Override
    public synchronized long observedEpoch() {
        return Math.max(observedEpoch, writtenEpoch);
    }

    @Override
    public synchronized void publishEpoch(long epoch) {
        publishedEpoch = Math.max(publishedEpoch, epoch);
    }

    /**
     * Durable = this node wrote it as holder, or the holder's record carries it and counts this node in its
     * partition. A record from a holder that excludes this node may carry the same number from another term.
     */
    @Override
    public synchronized boolean epochDurable(long epoch) {
        if (writtenEpoch >= epoch) {
            return true;
        }
        return lastSeen.filter(r -> !r.holder().equals(self) && r.members().contains(self) && r.epoch() >= epoch)
                .isPresent();
    }

    /** Who holds the lease as far as this node knows, its weight and the slots it last read (for ha:status). */
    @Override
    public synchronized String status(long now) {
        String holder = switch (phase) {
            case HELD -> now < validUntil ? "held by this node " + self + " (valid " + (validUntil - now) / 1_000_000
                    + " ms more unless renewed)" : "held by this node " + self + " but not renewed in time";
            case ACQUIRING -> "being acquired by this node " + self;
            default -> lastSeen.map(r -> "held by " + r.holder()
                    + (r.holder().equals(self) ? " (this node: " + (offered ? "handed over by " + offeredBy
                    + ", not yet taken over)" : "not renewed by this process)") : "")
                    + ", members " + new TreeSet<>(r.members()) + ", last change seen "
                    + (now - lastChangeSeenAt) / 1_000_000 + " ms ago")
                    .orElse(everRead ? "free (never written)" : "unknown (" + lastProblem + ")");
        };
        return holder + "; weight of " + self + ": " + ownWeight()
                + (slowestIo == null ? "" : "; slowest lease I/O " + slowestIoNanos / 1_000_000 + " ms (" + slowestIo + ")")
                + (lastWeights.isEmpty() ? "" : ", weight slots " + lastWeights.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().weight()).sorted().toList());
    }

    /** The holder named by the last record this node read or wrote (for tests and status). */
    public synchronized Optional<NodeId> recordHolder() {
        return lastSeen.map(LeaseRecord::holder);
    }

    /** True while this node believes it holds a valid lease (for tests and status). */
    public synchronized boolean holdsValidLease(long now) {
        return phase == Phase.HELD && now < validUntil;
    }

    @Override
    public String describe() {
        return "disk lease at " + store + " (renew " + renewNanos / 1_000_000 + " ms, lease " + leaseNanos / 1_000_000
                + " ms, margin " + marginNanos / 1_000_000 + " ms)";
    }
}
