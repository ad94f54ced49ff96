package org.duplex.mirror.leg;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.block.BlockError;
import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.gi.SyncDecision;
import org.duplex.mirror.gi.SyncPlanner;

/**
 * The decisions of one mirror leg, as a deterministic state machine with no I/O of its own: role, disk state,
 * generation identifiers, write suspension, sync direction (through a {@link Planner}, by default
 * {@link SyncPlanner}), fencing outcomes. Inputs are events (start after a crash, promote, demote, quorum lost,
 * hello exchanged, link lost, resync done, peer role, outdate request, fence outcome, clock); outputs are values
 * (refusals, plans, what the driver must do next). Metadata goes through the injected {@link MetaSink} before a
 * decision that depends on it is returned, and time is read only from the injected clock.
 *
 * <p>Two drivers run it: {@code engine.MirrorVolume} (sockets, files, threads) and the seeded simulator in the
 * tests (a virtual clock, a simulated network and disk with a page cache), so what the simulator checks is the
 * code that decides in production. The core does not log: the driver logs what it is told.
 *
 * <p>Thread safety: every transition is synchronized on the core; the fields the write and read paths consult
 * (role, writable, metadata, suspension) are volatile so those checks take no lock. No method calls out while
 * holding the lock except the {@link MetaSink}.
 */
public final class LegCore {

    /** Start of the alert set when both legs are primary; a demote of this leg ends that condition. */
    public static final String BOTH_PRIMARY = "both nodes are primary";

    /** Persists a leg's metadata (forced to disk before it returns). */
    @FunctionalInterface
    public interface MetaSink {
        void store(MetaState m) throws IOException;
    }

    /** Decides the sync direction from both legs' information (both sides run it with the arguments swapped). */
    @FunctionalInterface
    public interface Planner {
        SyncPlanner.Plan plan(LegInfo local, LegInfo peer);

        Planner STANDARD = SyncPlanner::plan;
    }

    /** An I/O step the driver runs inside a transition (for example marking logged extents dirty). */
    @FunctionalInterface
    public interface IoStep {
        void run() throws IOException;
    }

    /** What the core needs of the volume's configuration. */
    public record Settings(String volume, boolean replicated, Fencing fencing, SplitBrainPolicy policy,
                           Duration fencingTimeout) {
        public Settings {
            Objects.requireNonNull(volume, "volume");
            Objects.requireNonNull(fencing, "fencing");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(fencingTimeout, "fencingTimeout");
        }
    }

    /** A request refused, with the front-end neutral error to report. */
    public record Refusal(BlockError error, String message) {
    }

    /** What happened at start, from the persisted metadata and whether the activity log held extents. */
    public enum Recovery {
        /** Nothing to recover. */
        CLEAN,
        /** This leg was primary and stopped without a clean demote: its logged extents are marked for resync. */
        CRASHED_PRIMARY,
        /**
         * As CRASHED_PRIMARY, and the machine restarted meanwhile (power loss, kernel crash): writes acknowledged
         * from its page cache may be missing, so the leg is Outdated until it resyncs from its peer.
         */
        CRASHED_PRIMARY_CACHE_LOST,
        /**
         * A receiving leg stopped uncleanly: writes it acknowledged once written may not have reached its disk;
         * its logged extents are marked for resync and it is Outdated (if it was UpToDate) until it resyncs.
         */
        UNCLEAN_RECEIVER
    }

    /** Outcome of a promotion request. */
    public sealed interface Promotion permits Refused, Promoted {
    }

    public record Refused(String reason) implements Promotion {
    }

    /**
     * @param again          already primary: only the epoch was renewed
     * @param fresh          a new volume: a fresh generation, the full initial sync follows
     * @param forced         what a forced promotion loses (logged by the driver as an error), or null
     * @param suspendWrites  promoted without a connected peer: write acknowledgements wait until it is outdated
     * @param reconnect      connected to the peer on a fresh volume: tell the peer this leg is primary, then
     *                       reconnect so the handshake starts the sync
     * @param announce       connected: tell the peer this leg is primary now
     */
    public record Promoted(boolean again, boolean fresh, String forced, boolean suspendWrites, boolean reconnect,
                           boolean announce) implements Promotion {
    }

    /** The handshake's decision. {@code standAlone} non-null: refuse the connection with that reason. */
    public record Handshake(SyncPlanner.Plan plan, String standAlone) {
    }

    /** What an unconfirmed write (in the bitmap, the peer did not confirm it) may do now. */
    public sealed interface AckDecision permits Ack, Wait, Fail {
    }

    /** Acknowledge it. */
    public record Ack() implements AckDecision {
    }

    /** Wait (at most {@code nanos}) for the suspension to end. */
    public record Wait(long nanos) implements AckDecision {
    }

    /** Fail it: it is never acknowledged. */
    public record Fail(Refusal refusal) implements AckDecision {
    }

    /** Answer to a peer primary's request to outdate this leg. */
    public record OutdateAnswer(boolean confirmed, String detail, boolean marked) {
    }

    /** The fencing outcomes a driver reports (the driver's fencer maps its own results onto these). */
    public enum FenceOutcome {
        OUTDATED, UNREACHABLE, NOT_CONFIRMED
    }

    /** What the fence loop does next, before an attempt. */
    public enum FenceStep {
        /** Demoted during the suspension: it ended, the waiting writes fail. */
        ENDED_BY_DEMOTION,
        /** The link is back: the suspension ended, the waiting writes are acknowledged. */
        ENDED_LINK_BACK,
        /** Another suspension or a resume replaced this one: stop. */
        SUPERSEDED,
        /** Ask the peer to outdate itself. */
        ATTEMPT
    }

    /** What a fence attempt's outcome did. */
    public enum FenceVerdict {
        /** The peer is Outdated: writes resume. */
        PEER_OUTDATED,
        /** resource-only, the peer unreachable on both paths and this node quorate: writes resume unconfirmed. */
        RESUMED_UNCONFIRMED,
        /** Still suspended (or already resumed unconfirmed): retry later. */
        RETRY
    }

    private final Settings settings;
    private final MetaSink sink;
    private final Planner planner;
    private final LongSupplier nanos;
    private final LongSupplier newIds;

    private volatile MetaState meta;
    private volatile Role role = Role.SECONDARY;
    private volatile boolean writable;
    /** Non-null while the peer is connected (past the handshake). */
    private volatile Role peerRole;
    private volatile DiskState peerDisk = DiskState.UNKNOWN;
    /** The connected peer's leg has never been synced nor promoted (a new volume's first promotion). */
    private volatile boolean peerJustCreated;
    private volatile Suspension suspension;
    /** Set after writes resumed without the peer being confirmed Outdated. */
    private volatile String unconfirmedFence;

    public LegCore(Settings settings, MetaState stored, MetaSink sink, Planner planner, LongSupplier nanos) {
        this(settings, stored, sink, planner, nanos, GenerationIds::newId);
    }

    /** @param newIds new generation ids (random, never 0, low 4 bits clear; seeded in a simulation) */
    public LegCore(Settings settings, MetaState stored, MetaSink sink, Planner planner, LongSupplier nanos,
                   LongSupplier newIds) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meta = Objects.requireNonNull(stored, "stored");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.newIds = Objects.requireNonNull(newIds, "newIds");
    }

    /** The metadata of a new leg: a full initial sync follows unless the legs are declared identical. */
    public static MetaState initial(String volume, boolean skipInitialSync, long token) {
        GenerationIds gi = skipInitialSync ? GenerationIds.createdInSync(volume) : GenerationIds.fresh();
        DiskState disk = skipInitialSync ? DiskState.UP_TO_DATE : DiskState.INCONSISTENT;
        return new MetaState(gi, disk, false, false, 0, 0, 0, token, false, "");
    }

    // ------------------------------------------------------------------ state, read without a lock

    public MetaState meta() {
        return meta;
    }

    public DiskState disk() {
        return meta.disk();
    }

    public Role role() {
        return role;
    }

    public boolean writable() {
        return writable;
    }

    /** The peer's role while connected, else empty. */
    public Optional<Role> peerRole() {
        return Optional.ofNullable(peerRole);
    }

    public DiskState peerDisk() {
        return peerDisk;
    }

    public Suspension suspension() {
        return suspension;
    }

    public Optional<String> unconfirmedFence() {
        return Optional.ofNullable(unconfirmedFence);
    }

    public long now() {
        return nanos.getAsLong();
    }

    private void store(MetaState m) throws IOException {
        sink.store(m);
        meta = m;
    }

    // ------------------------------------------------------------------ start

    /**
     * Recovery at start. {@code markLoggedDirty} (mark the activity log's extents in the bitmap and clear the log)
     * runs before the metadata records the outcome, so a crash in between repeats the recovery.
     *
     * @param pageCacheLost the machine restarted since this leg was promoted (power loss, kernel crash): writes
     *                      it acknowledged from its page cache may be gone, so a crashed primary is Outdated (its
     *                      peer, which confirmed them, is the sync source) instead of trusted as the source
     */
    public synchronized Recovery recover(boolean activityLogHasExtents, boolean pageCacheLost, IoStep markLoggedDirty)
            throws IOException {
        if (meta.primaryActive()) {
            markLoggedDirty.run();
            MetaState m = meta.withPrimaryActive(false).withCrashedPrimary(true);
            if (pageCacheLost && m.disk() == DiskState.UP_TO_DATE) {
                store(m.withCrashedPrimary(false).withOutdated(MetaState.OUTDATED_BY_LOST_CACHE));
                return Recovery.CRASHED_PRIMARY_CACHE_LOST;
            }
            store(m);
            return Recovery.CRASHED_PRIMARY;
        }
        if (activityLogHasExtents) {
            markLoggedDirty.run();
            if (meta.disk() == DiskState.UP_TO_DATE) {
                store(meta.withOutdated(MetaState.OUTDATED_BY_UNCLEAN_STOP));
            }
            return Recovery.UNCLEAN_RECEIVER;
        }
        return Recovery.CLEAN;
    }

    // ------------------------------------------------------------------ roles

    /**
     * Promotion: requires quorum, an epoch not older than any used at an earlier promotion nor than the cluster's,
     * a peer that is not primary, and an UpToDate disk (or {@code force}, or a fresh volume).
     */
    public synchronized Promotion promote(FencingEpoch epoch, boolean force, boolean quorate, FencingEpoch cluster,
                                          boolean peerConnected, long nowMillis) throws IOException {
        String v = settings.volume();
        if (!quorate) {
            return new Refused("cannot promote " + v + ": this node has no quorum");
        }
        if (epoch.value() < meta.highestEpoch()) {
            return new Refused("cannot promote " + v + " with " + epoch + ": " + "epoch " + meta.highestEpoch()
                    + " was already used (stale coordinator?)");
        }
        if (epoch.isOlderThan(cluster)) {
            return new Refused("cannot promote " + v + " with " + epoch + ": the cluster is at " + cluster);
        }
        if (peerConnected && peerRole == Role.PRIMARY) {
            return new Refused("cannot promote " + v + ": the peer is primary");
        }
        if (role == Role.PRIMARY) {
            store(meta.withPromotion(epoch.value(), meta.promotedAtMillis()));
            writable = true;
            return new Promoted(true, false, null, false, false, false);
        }
        GenerationIds gi = meta.gi();
        DiskState disk = meta.disk();
        String forced = null;
        if (disk == DiskState.OUTDATED) {
            if (!force) {
                return new Refused("cannot promote " + v + ": this leg is Outdated (" + outdatedWhy() + "). Way out: "
                        + "connect it to the UpToDate peer and let it resync (ha:mirror-connect " + v + "), or, if "
                        + "no UpToDate leg is left, ha:mirror-promote --force " + v + " (" + forcedLoss() + ")");
            }
            forced = "FORCED promotion of an Outdated leg with " + epoch + ": " + forcedLoss()
                    + "; when the other leg returns it is detected as a split brain";
            disk = DiskState.UP_TO_DATE;
        }
        boolean fresh = gi.justCreated();
        if (fresh && settings.replicated() && !(peerConnected && peerJustCreated)) {
            // Never synced, and no just-created peer is connected: the peer may have been promoted and acknowledged
            // writes since (this leg may even have been its sync target), and a fresh start here would lose them.
            if (!force) {
                return new Refused("cannot promote " + v + ": this leg has never completed its initial sync and no "
                        + "new, never promoted peer is connected, so the peer may hold acknowledged writes that a "
                        + "fresh start here would lose. Way out: connect both legs (a new pair starts the full "
                        + "initial sync at its first promotion; an interrupted sync resumes from the peer), or, if "
                        + "this leg is to be the reference, ha:mirror-promote --force " + v);
            }
            forced = "FORCED promotion of a never synced leg with " + epoch + ": it becomes the reference and its "
                    + "peer's data, if it was ever promoted, is overwritten at the next connect (a split brain if it "
                    + "wrote)";
        }
        if (fresh) {
            gi = new GenerationIds(newIds.getAsLong(), 0, 0, 0);
            disk = DiskState.UP_TO_DATE;
        } else if (disk != DiskState.UP_TO_DATE && !force) {
            return new Refused("cannot promote " + v + ": local data is inconsistent (resync from the peer first; if "
                    + "no leg holds better data, ha:mirror-promote --force " + v + " makes this one the reference)");
        } else if (disk != DiskState.UP_TO_DATE) {
            forced = "FORCED promotion of an Inconsistent leg with " + epoch + ": regions it had not yet received "
                    + "from its sync source hold old data";
            disk = DiskState.UP_TO_DATE;
        } else if (!peerConnected) {
            gi = gi.startTrackingChanges(newIds.getAsLong());
        }
        store(meta.withGi(gi).withDisk(disk).withPromotion(epoch.value(), nowMillis));
        role = Role.PRIMARY;
        writable = true;
        boolean suspend = !peerConnected && !fresh && settings.replicated() && settings.fencing() != Fencing.DONT_CARE;
        if (suspend) {
            // the peer may be an old primary with an up-to-date copy of its own: outdate it before a write it does
            // not have is acknowledged (DRBD fences on promotion with the peer disk unknown)
            suspension = new Suspension(null, "promoted while the peer is not connected", nanos.getAsLong(),
                    settings.fencingTimeout().toNanos());
        }
        return new Promoted(false, fresh, forced, suspend, peerConnected && fresh, peerConnected && !fresh);
    }

    /** Who marked this leg Outdated and why, for refusals and logs. */
    public String outdatedWhy() {
        switch (meta.outdatedCause()) {
            case MetaState.OUTDATED_BY_PRIMARY:
                return "marked by its primary, which lost the replication link and kept writing without it";
            case MetaState.OUTDATED_BY_UNCLEAN_STOP:
                return "marked by itself: this node stopped uncleanly while receiving replicated writes it had "
                        + "acknowledged before forcing them to disk, so some may be missing";
            case MetaState.OUTDATED_BY_LOST_CACHE:
                return "marked by itself: this node restarted (power loss or kernel crash) while primary, so writes "
                        + "it acknowledged before they were forced to disk may be missing; its peer has them";
            default:
                return "it may lack acknowledged writes";
        }
    }

    private String forcedLoss() {
        return MetaState.OUTDATED_BY_UNCLEAN_STOP.equals(meta.outdatedCause())
                || MetaState.OUTDATED_BY_LOST_CACHE.equals(meta.outdatedCause())
                ? "acknowledged writes this leg lost in its unclean stop stay lost"
                : "the writes acknowledged after this leg was outdated are not on it and are lost";
    }

    /** First step of a demotion: writes stop at once. True when this leg was primary (the driver then drains). */
    public synchronized boolean demote() {
        writable = false;
        if (role == Role.SECONDARY) {
            return false;
        }
        role = Role.SECONDARY;
        return true;
    }

    /** Last step of a demotion, after the data and bitmap were forced: a clean secondary on disk. */
    public synchronized void demoted() throws IOException {
        store(meta.withPrimaryActive(false));
    }

    /** Quorum lost: writes stop until a new promotion. True when this leg was writable. */
    public synchronized boolean quorumLost() {
        boolean was = writable;
        writable = false;
        return was;
    }

    // ------------------------------------------------------------------ writes

    /** Why an application write must be refused now, or empty (checked before and under the ordering lock). */
    public Optional<Refusal> writeRefusal(boolean quorate) {
        String v = settings.volume();
        if (role != Role.PRIMARY) {
            return Optional.of(new Refusal(BlockError.NOT_PERMITTED, "volume " + v + " is secondary on this node"));
        }
        if (!writable || !quorate) {
            return Optional.of(new Refusal(BlockError.NOT_PERMITTED, "volume " + v
                    + " refuses writes: quorum lost or demotion in progress"));
        }
        Suspension s = suspension;
        long now = nanos.getAsLong();
        if (s != null && s.timedOut(now)) {
            return Optional.of(new Refusal(BlockError.IO, "volume " + v + ": " + s.describe(v, now)));
        }
        return Optional.empty();
    }

    /**
     * A write the peer has not confirmed (it is in the bitmap) may be acknowledged only when the peer cannot be
     * promoted without it: no suspension in force (link up, peer Outdated or Inconsistent, or fencing off). While
     * the peer is being outdated it waits; once the fencing timeout passed it fails with an I/O error, and once this
     * leg is no longer a writable primary (demoted, quorum lost) it is refused, suspended or not: never
     * acknowledged.
     */
    public AckDecision unconfirmedWrite() {
        Suspension s = suspension;
        String v = settings.volume();
        if (role != Role.PRIMARY || !writable) {
            // also without a suspension: a leg demoted (a switchover) or without quorum while the write was on its
            // way must not acknowledge what its peer, about to be promoted, may not have
            return new Fail(new Refusal(BlockError.NOT_PERMITTED, s != null
                    ? "volume " + v + " was demoted while writes were suspended: this write was not acknowledged"
                    : "volume " + v + " stopped being a writable primary (demoted or quorum lost) before the peer "
                            + "confirmed this write: it was not acknowledged"));
        }
        if (s == null) {
            return new Ack();
        }
        long now = nanos.getAsLong();
        long left = s.deadlineNanos - now;
        if (s.expired || left <= 0) {
            return new Fail(new Refusal(BlockError.IO, "volume " + v + ": " + s.describe(v, now)));
        }
        return new Wait(left);
    }

    // ------------------------------------------------------------------ the replication link

    /** The information this leg sends in its HELLO. */
    public LegInfo hello(long dirtyRegions) {
        MetaState m = meta;
        return new LegInfo(m.gi(), m.disk(), role == Role.PRIMARY, m.crashedPrimary(), dirtyRegions,
                m.promotedEpoch(), m.promotedAtMillis(), m.token(), m.discardMyData(), settings.policy());
    }

    /**
     * Both HELLOs are in: decides the direction. A sync target persists Inconsistent here, before its bitmap goes
     * out: once the source has it, this leg cannot be promoted until the resync ends, so a fenced source may
     * resume acknowledging writes as soon as its handshake completes.
     *
     * @throws IOException the local state changed since {@code mine} was sent (reconnect), or the store failed
     */
    public synchronized Handshake plan(LegInfo mine, LegInfo peer) throws IOException {
        if (mine.primary() && peer.primary()) {
            return new Handshake(null, BOTH_PRIMARY + ": demote one, then connect (a split brain follows if both "
                    + "wrote)");
        }
        SyncPlanner.Plan plan = planner.plan(mine, peer);
        SyncDecision d = plan.decision();
        if (d.isTarget()) {
            if (!meta.gi().equals(mine.gi()) || (role == Role.PRIMARY) != mine.primary()) {
                throw new IOException("local state changed during the handshake: reconnecting");
            }
            store(meta.withDisk(DiskState.INCONSISTENT));
        }
        boolean refused = d == SyncDecision.SPLIT_BRAIN || d == SyncDecision.UNRELATED
                || d == SyncDecision.NO_SAFE_SOURCE;
        return new Handshake(plan, refused ? plan.reason() : null);
    }

    /**
     * The handshake completed with decision {@code d}: the peer is connected. Returns the suspension this ended
     * (the unconfirmed writes are in the bitmap just exchanged), or null.
     *
     * @throws IOException this leg was promoted, demoted, outdated or invalidated while the legs talked
     */
    public synchronized Suspension connected(LegInfo mine, LegInfo peer, SyncDecision d) throws IOException {
        if (!meta.gi().equals(mine.gi()) || (role == Role.PRIMARY) != mine.primary()
                || (!d.isTarget() && meta.disk() != mine.disk())) {
            throw new IOException("local state changed during the handshake: reconnecting");
        }
        peerRole = peer.primary() ? Role.PRIMARY : Role.SECONDARY;
        peerDisk = d.isSource() ? DiskState.INCONSISTENT : peer.disk();
        peerJustCreated = peer.gi().justCreated();
        Suspension s = suspension;
        suspension = null;
        unconfirmedFence = null;
        return s;
    }

    /**
     * The link is failing (called before any write waiting on it learns so): a primary that loses an up-to-date
     * peer suspends acknowledgements of unconfirmed writes. True when a suspension started: the driver then
     * starts outdating the peer.
     */
    public synchronized boolean linkFailing(Object link, String reason) {
        if (role != Role.PRIMARY || settings.fencing() == Fencing.DONT_CARE || peerDisk != DiskState.UP_TO_DATE
                || suspension != null) {
            return false;
        }
        suspension = new Suspension(link, "replication link lost (" + reason + ") while the peer was up to date",
                nanos.getAsLong(), settings.fencingTimeout().toNanos());
        return true;
    }

    /** The link is down: the peer's state is unknown; a primary starts a new generation (tracks its changes). */
    public synchronized void linkDown() throws IOException {
        peerRole = null;
        peerDisk = DiskState.UNKNOWN;
        peerJustCreated = false;
        if (role == Role.PRIMARY && meta.gi().bitmap() == 0) {
            store(meta.withGi(meta.gi().startTrackingChanges(newIds.getAsLong())));
        }
    }

    /** The peer announced its role. Non-null: both legs are primary, refuse with this reason. */
    public synchronized String peerRole(boolean primary) {
        peerRole = primary ? Role.PRIMARY : Role.SECONDARY;
        if (primary) {
            peerJustCreated = false; // a new peer promoted itself: no longer grounds for a fresh promotion here
        }
        if (primary && role == Role.PRIMARY) {
            return BOTH_PRIMARY + ": promoted on both sides at once; demote one and resolve the split brain";
        }
        return null;
    }

    // ------------------------------------------------------------------ resync

    /** This leg, the sync source, sent everything: the bitmap generation becomes history; the peer is UpToDate. */
    public synchronized void resyncDoneAsSource() throws IOException {
        store(meta.withGi(meta.gi().afterResyncAsSource()).withCrashedPrimary(false).withDiscardMyData(false));
        peerDisk = DiskState.UP_TO_DATE;
    }

    /** This leg, the sync target, has everything (forced): it holds the source's generation and is UpToDate. */
    public synchronized void resyncDoneAsTarget(long sourceCurrent) throws IOException {
        store(meta.withGi(meta.gi().afterResyncAsTarget(sourceCurrent)).withDisk(DiskState.UP_TO_DATE)
                .withCrashedPrimary(false).withDiscardMyData(false));
        peerDisk = DiskState.UP_TO_DATE;
    }

    // ------------------------------------------------------------------ fencing

    /**
     * The peer primary lost the link and asks this leg to mark itself Outdated. Refused when this leg is primary
     * or has seen a newer epoch than the requester's; otherwise the mark is persisted before the answer (the
     * driver then drops a replication link still up from this side: the next connect resyncs).
     */
    public synchronized OutdateAnswer outdateRequest(long primaryEpoch) {
        String v = settings.volume();
        if (role == Role.PRIMARY) {
            return new OutdateAnswer(false, v + " is primary on the peer too (split brain?)", false);
        }
        if (primaryEpoch < meta.highestEpoch()) {
            return new OutdateAnswer(false, v + " has seen epoch " + meta.highestEpoch()
                    + ", the request came from a primary of epoch " + primaryEpoch, false);
        }
        DiskState before = meta.disk();
        if (before == DiskState.UP_TO_DATE) {
            try {
                store(meta.withOutdated(MetaState.OUTDATED_BY_PRIMARY));
            } catch (IOException e) {
                return new OutdateAnswer(false, "persisting the Outdated mark failed: " + e, false);
            }
        }
        return new OutdateAnswer(true, outdateOutcome(before), before == DiskState.UP_TO_DATE);
    }

    /** What an outdate request did to this leg, for the requester's log: never "was X, is X". */
    private String outdateOutcome(DiskState before) {
        String v = settings.volume();
        switch (before) {
            case UP_TO_DATE:
                return v + " marked Outdated here (was UpToDate)";
            case OUTDATED:
                return v + " was already Outdated here";
            case INCONSISTENT:
                return v + " is Inconsistent here (never fully synced, or a resync was interrupted), so it cannot be "
                        + "promoted either; left as it is";
            default:
                return v + " is " + before + " here";
        }
    }

    /** The fence loop of {@code s}, before an attempt: has the suspension ended, or is it to try again? */
    public synchronized FenceStep fenceStep(Suspension s, boolean linkBack, boolean resumedUnconfirmed) {
        if (role != Role.PRIMARY) {
            if (suspension == s && s != null) {
                suspension = null;
                return FenceStep.ENDED_BY_DEMOTION;
            }
            return FenceStep.SUPERSEDED;
        }
        if (linkBack) {
            unconfirmedFence = null;
            if (suspension == s && s != null) {
                suspension = null;
                return FenceStep.ENDED_LINK_BACK;
            }
            return FenceStep.SUPERSEDED;
        }
        if (resumedUnconfirmed ? suspension != null || unconfirmedFence == null : suspension != s) {
            return FenceStep.SUPERSEDED;
        }
        return FenceStep.ATTEMPT;
    }

    /**
     * A fence attempt for {@code s} returned. {@code quorate}: this node's partition is quorate now. The driver
     * wakes the waiting writes on PEER_OUTDATED / RESUMED_UNCONFIRMED, and when {@link #expireIfDue} says so.
     */
    public synchronized FenceVerdict fenceOutcome(Suspension s, FenceOutcome outcome, String detail, boolean quorate,
                                                  boolean resumedUnconfirmed, String sinceText) {
        s.lastAttempt = outcome + " (" + detail + ")";
        if (outcome == FenceOutcome.OUTDATED) {
            unconfirmedFence = null;
            if (suspension == s) {
                suspension = null;
            }
            return FenceVerdict.PEER_OUTDATED;
        }
        if (outcome == FenceOutcome.UNREACHABLE && settings.fencing() == Fencing.RESOURCE_ONLY && !resumedUnconfirmed
                && quorate && suspension == s) {
            unconfirmedFence = "peer not confirmed Outdated (unreachable on the fencing path: " + detail + "); if "
                    + "this node dies before the peer reconnects, promoting the peer loses the writes acknowledged "
                    + "since " + sinceText;
            suspension = null;
            return FenceVerdict.RESUMED_UNCONFIRMED;
        }
        return FenceVerdict.RETRY;
    }

    /** Marks {@code s} expired once the fencing timeout passed: true the first time (wake the waiting writes). */
    public synchronized boolean expireIfDue(Suspension s) {
        if (s.expired || suspension != s || !s.timedOut(nanos.getAsLong())) {
            return false;
        }
        s.expired = true;
        return true;
    }

    /**
     * Operator override (ha:mirror-resume-io --force): acknowledges writes again although the peer is not
     * confirmed Outdated. Returns the suspension ended, or null when there was none.
     */
    public synchronized Suspension resumeByOperator(String sinceText) {
        Suspension s = suspension;
        if (s == null) {
            return null;
        }
        unconfirmedFence = "writes resumed by the operator without the peer being Outdated (since " + sinceText
                + "): promoting the peer would lose them";
        suspension = null;
        return s;
    }

    // ------------------------------------------------------------------ operator actions on a secondary

    /** Chooses this leg as the split-brain victim for the next connect. */
    public synchronized void discardMyData() throws IOException {
        store(meta.withDiscardMyData(true));
    }

    /** Declares the local data bad: a full sync from the peer follows at the next connect. */
    public synchronized void invalidate() throws IOException {
        GenerationIds gi = meta.gi();
        store(meta.withGi(new GenerationIds(GenerationIds.JUST_CREATED, 0, gi.current(), gi.history1()))
                .withDisk(DiskState.INCONSISTENT));
    }
}
