package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
    private boolean everRead;
    private Optional<LeaseRecord> lastSeen = Optional.empty();
    private long lastChangeSeenAt;
    private long myCounter;
    private long acquireWriteAt;
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

    public DiskLeaseTiebreaker(NodeId self, LeaseStore store, Duration renewInterval, Duration leaseTime,
                               Duration margin) {
        this.self = self;
        this.store = store;
        this.renewNanos = renewInterval.toNanos();
        this.leaseNanos = leaseTime.toNanos();
        this.marginNanos = margin.toNanos();
        if (renewNanos <= 0 || marginNanos <= 0 || leaseNanos < 3 * renewNanos) {
            throw new IllegalArgumentException("disk lease: need renew > 0, margin > 0 and lease time >= 3 x renew"
                    + " interval (renew " + renewInterval.toMillis() + " ms, lease " + leaseTime.toMillis() + " ms)");
        }
        this.readValidityNanos = 2 * renewNanos;
        this.settleNanos = renewNanos;
    }

    @Override
    public synchronized Verdict evaluate(Set<NodeId> partition, long now) {
        if (!everRead || now - lastIoAt >= renewNanos) {
            lastIoAt = now;
            doIo(partition, now);
        }
        return peek(partition, now);
    }

    private void doIo(Set<NodeId> partition, long now) {
        Optional<LeaseRecord> rec;
        try {
            rec = store.read();
            lastProblem = null;
        } catch (IOException e) {
            String problem = "cannot read lease at " + store + ": " + e;
            if (!problem.equals(lastProblem)) {
                LOG.warn("Disk lease: {} (the lease will expire if this persists)", problem);
            }
            lastProblem = problem;
            return;
        }
        rec.ifPresent(r -> observedEpoch = Math.max(observedEpoch, r.epoch()));
        if (!everRead || !rec.equals(lastSeen)) {
            lastChangeSeenAt = now;
            lastSeen = rec;
            everRead = true;
        }
        switch (phase) {
            case ACQUIRING -> {
                if (now - acquireWriteAt < settleNanos) {
                    return;
                }
                if (rec.isPresent() && rec.get().holder().equals(self) && rec.get().counter() == myCounter) {
                    phase = Phase.HELD;
                    writtenEpoch = Math.max(writtenEpoch, acquireEpoch);
                    validUntil = acquireWriteAt + leaseNanos;
                    writtenMembers = acquireMembers;
                    membersSince = acquireWriteAt;
                    LOG.info("Disk lease at {} acquired by {} (members {})", store, self, acquireMembers);
                } else {
                    phase = Phase.NONE;
                    LOG.info("Disk lease at {}: lost the race to {}", store, rec.map(LeaseRecord::holder).orElse(null));
                }
            }
            case HELD -> {
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
                } else {
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
                    myCounter++;
                    lastSeen = Optional.of(next);
                    writtenEpoch = epoch;
                    validUntil = now + leaseNanos;
                    if (!partition.containsAll(writtenMembers)) {
                        membersSince = now;
                    }
                    writtenMembers = Set.copyOf(partition);
                }
            }
            case NONE -> noneStep(partition, now, rec);
        }
    }

    private void noneStep(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
        if (rec.isPresent() && !rec.get().holder().equals(self)) {
            LeaseRecord r = rec.get();
            if (r.members().contains(self) && partition.contains(r.holder()) && now - lastChangeSeenAt < leaseNanos) {
                memberGrantUntil = now + readValidityNanos;
                grantHolder = r.holder();
            }
        }
        boolean expired = now - lastChangeSeenAt >= leaseNanos + marginNanos;
        boolean preferred = partition.size() == 1 || self.equals(Collections.min(partition));
        if (expired && preferred) {
            tryAcquire(partition, now, rec);
        }
    }

    private void tryAcquire(Set<NodeId> partition, long now, Optional<LeaseRecord> rec) {
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
        phase = Phase.ACQUIRING;
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
                if (!partition.containsAll(writtenMembers)) {
                    return Verdict.deny("disk lease held, record not yet updated for the new view");
                }
                long readyAt = membersSince + readValidityNanos + marginNanos;
                if (now < readyAt) {
                    return Verdict.deny("disk lease held, waiting " + (readyAt - now) / 1_000_000
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
