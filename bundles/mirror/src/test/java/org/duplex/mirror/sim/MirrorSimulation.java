package org.duplex.mirror.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.gi.SyncDecision;
import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.leg.LegCore;
import org.duplex.mirror.leg.MetaState;
import org.duplex.mirror.leg.Role;
import org.duplex.mirror.leg.Suspension;

/**
 * A deterministic simulation of one mirrored volume on two nodes: virtual time in steps of 100 ms, one seeded
 * {@link Random}, the real {@link LegCore} of each leg, and simulated everything else — a disk with a page cache
 * (a write lands in the cache; FUA, FLUSH, the activity log's tick, a demote and the receiver's checkpoint force
 * it; a power loss drops it, a process kill does not), the persisted dirty bitmap and activity log, a replication
 * link per connection (one in-order queue per direction that stalls while that direction is cut, as TCP does; a
 * side fails the link after 1.5 s of silence or on the peer's close), a fencing path on the cluster interface, a
 * cluster that promotes with a new epoch (failover after a crash, freeze or quorum loss of the primary;
 * switchovers) and demotes a primary that lost quorum, an operator who demotes, reconnects and settles split
 * brains by discarding the abandoned leg, and an application that writes (never two writes in flight to one
 * block, every value new) and records which writes were acknowledged.
 *
 * <p>The driver does what {@code engine.MirrorVolume} does around the same core: a write is applied locally and
 * sent, or marked dirty; a write the peer did not confirm is settled by {@link LegCore#unconfirmedWrite()}; the
 * handshake plans through {@link LegCore#plan} and {@link LegCore#connected}; the fence loop follows
 * {@link LegCore#fenceStep} and {@link LegCore#fenceOutcome}; resync copies dirty blocks and ends with
 * {@link LegCore#resyncDoneAsSource()} / {@link LegCore#resyncDoneAsTarget(long)}.
 *
 * <p>Invariants, checked after every step (the first broken one ends the run with a message):
 * <ul>
 *   <li><b>no acknowledged write lost</b>: every block's newest acknowledged value (or a newer one) is held by some
 *   leg (a leg that is down holds what is on its disk), and a writable primary serves it. The one loss the design
 *   accepts is forgiven, as the README states: a non-FUA write that only one leg's page cache still held when
 *   that leg lost power;</li>
 *   <li><b>never two primaries acknowledging</b>: no write accepted by a primary after another leg was promoted
 *   with a newer epoch is ever acknowledged;</li>
 *   <li><b>a stale leg is never a sync source while its peer is UpToDate</b> (checked at every handshake and while
 *   the resync runs).</li>
 * </ul>
 */
final class MirrorSimulation {

    static final int BLOCKS = 8;
    static final long STEP_NANOS = Duration.ofMillis(100).toNanos();
    static final int SILENCE_STEPS = 15;
    static final Duration FENCING_TIMEOUT = Duration.ofSeconds(3);
    static final int AL_IDLE_STEPS = 40;
    static final String VOLUME = "vol";

    enum Mode { UP, FROZEN, DOWN }

    enum Kind { WRITE, WRITE_ACK, RESYNC_DATA, RESYNC_ACK, RESYNC_DONE, ROLE, PING, CLOSE }

    record Msg(Kind kind, int block, long value, boolean flag) {
    }

    /** An application write. */
    static final class Write {
        final int block;
        final long value;
        final int submitted;
        final boolean fua;

        Write(int block, long value, int submitted, boolean fua) {
            this.block = block;
            this.value = value;
            this.submitted = submitted;
            this.fua = fua;
        }
    }

    /** One replication connection: a queue per direction ({@code queue[i]} carries messages to leg i). */
    final class Conn {
        @SuppressWarnings("unchecked")
        final ArrayDeque<Msg>[] queue = new ArrayDeque[] {new ArrayDeque<Msg>(), new ArrayDeque<Msg>()};
        final boolean[] open = {true, true};
        final int[] lastHeard = {step, step};
        final SyncDecision[] decision = new SyncDecision[2];
    }

    final class Leg {
        final int id;
        Mode mode = Mode.UP;
        int modeUntil;
        boolean evicted; // the cluster treated this leg as gone while it was frozen
        int frozenSince = -1;
        // persisted
        MetaState stored;
        final long[] durable = new long[BLOCKS];
        final boolean[] bitmapDurable = new boolean[BLOCKS];
        final boolean[] al = new boolean[BLOCKS];
        // memory (lost in a crash), page cache (lost in a power loss)
        final long[] cache = new long[BLOCKS];
        final boolean[] bitmap = new boolean[BLOCKS];
        final int[] alInFlight = new int[BLOCKS];
        final int[] alLastEnd = new int[BLOCKS];
        LegCore core;
        boolean wantConnected = true;
        boolean quorate = true;
        boolean lostPower;
        final Map<Long, Write> pending = new LinkedHashMap<>();
        final List<Write> waiting = new ArrayList<>();
        Suspension fencing;
        boolean resumedUnconfirmed;
        int nextFence;
        boolean resyncing;
        final boolean[] resyncInFlight = new boolean[BLOCKS];
        String standAloneReason;
        int standAloneSince;

        Leg(int id, MetaState initial) {
            this.id = id;
            this.stored = initial;
            Arrays.fill(cache, -1);
            boot();
        }

        void boot() {
            System.arraycopy(bitmapDurable, 0, bitmap, 0, BLOCKS);
            Arrays.fill(alInFlight, 0);
            Arrays.fill(alLastEnd, step);
            core = new LegCore(new LegCore.Settings(VOLUME, true, fencingPolicy, SplitBrainPolicy.DISCONNECT,
                    FENCING_TIMEOUT), stored, m -> stored = m, planner, () -> now, MirrorSimulation.this::newId);
            boolean logged = false;
            for (boolean b : al) {
                logged |= b;
            }
            try {
                LegCore.Recovery r = core.recover(logged, lostPower, () -> {
                    for (int b = 0; b < BLOCKS; b++) {
                        if (al[b]) {
                            markDirty(b);
                            al[b] = false;
                        }
                    }
                });
                if (r != LegCore.Recovery.CLEAN) {
                    trace(this + " recovered: " + r + ", disk " + core.disk());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            wantConnected = true;
            pending.clear();
            waiting.clear();
            fencing = null;
            resumedUnconfirmed = false;
            resyncing = false;
            Arrays.fill(resyncInFlight, false);
            standAloneReason = null;
        }

        long value(int b) {
            return cache[b] >= 0 ? cache[b] : durable[b];
        }

        /** What this leg holds for block b now (its disk only, while down). */
        long holding(int b) {
            return mode == Mode.DOWN ? durable[b] : value(b);
        }

        void force() {
            for (int b = 0; b < BLOCKS; b++) {
                if (cache[b] >= 0) {
                    durable[b] = cache[b];
                    cache[b] = -1;
                }
            }
        }

        void markDirty(int b) {
            bitmap[b] = true;
            bitmapDurable[b] = true;
        }

        void persistBitmap() {
            System.arraycopy(bitmap, 0, bitmapDurable, 0, BLOCKS);
        }

        long dirtyRegions() {
            long n = 0;
            for (boolean x : bitmap) {
                n += x ? 1 : 0;
            }
            return n;
        }

        boolean live() {
            return mode == Mode.UP;
        }

        boolean primary() {
            return mode != Mode.DOWN && core.role() == Role.PRIMARY;
        }

        boolean connected() {
            return conn != null && conn.open[id];
        }

        Leg peer() {
            return legs[1 - id];
        }

        @Override
        public String toString() {
            return "leg" + id;
        }
    }

    private final long seed;
    private final Random rnd;
    private final LegCore.Planner planner;
    private final Fencing fencingPolicy;
    final Leg[] legs = new Leg[2];
    Conn conn;
    /** {@code cut[i][j]}: the replication network drops (stalls) traffic from leg i to leg j. */
    final boolean[][] cut = new boolean[2][2];
    int replHealAt = -1;
    boolean clusterCut;
    int clusterHealAt = -1;
    long clusterEpoch = 1;
    long newestPromotionEpoch;
    int newestPromotionStep = -1;
    int primaryGoneSince = -1;
    int switchoverAt = -1;
    final long[] required = new long[BLOCKS];
    long nextValue = 1;
    int step;
    long now = 1_000_000_000L;
    String violation;
    /** Off: only the data invariants judge (to show that a defect loses acknowledged writes, not just a rule). */
    boolean checkStaleSource = true;
    final List<String> trace = new ArrayList<>();
    int acked;
    int failedWrites;
    int refusedWrites;
    int promotions;
    int crashes;
    int powerLosses;
    int freezes;
    int partitions;
    int resyncs;
    int forgiven;
    int staleSourceRefusals;
    /** The run ended with the legs refusing to connect for want of a safe source (an operator must choose). */
    boolean endedWithoutSafeSource;

    MirrorSimulation(long seed, LegCore.Planner planner, Fencing fencing) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.planner = planner;
        this.fencingPolicy = fencing;
        boolean fresh = rnd.nextInt(5) == 0;
        for (int i = 0; i < 2; i++) {
            legs[i] = new Leg(i, LegCore.initial(VOLUME, !fresh, rnd.nextLong()));
        }
        trace("seed " + seed + (fresh ? ": new volume, full initial sync" : ": legs created in sync"));
    }

    /** Runs {@code steps} steps with faults, then {@code quiet} steps healing; returns the first violation. */
    String run(int steps, int quiet) {
        connectIfPossible();
        promote(legs[0], "initial promotion");
        deliver(legs[1]);
        deliver(legs[0]);
        for (int i = 0; i < steps + quiet && violation == null; i++) {
            step++;
            now += STEP_NANOS;
            if (i < steps) {
                faults();
            } else {
                heal();
            }
            for (Leg l : legs) {
                if (l.mode == Mode.FROZEN && step >= l.modeUntil) {
                    thaw(l);
                } else if (l.mode == Mode.DOWN && step >= l.modeUntil) {
                    restart(l);
                }
            }
            cluster();
            for (Leg l : legs) {
                if (l.live()) {
                    deliver(l);
                }
            }
            for (Leg l : legs) {
                if (l.live()) {
                    tick(l);
                }
            }
            connectIfPossible();
            if (i < steps) {
                application();
            }
            // what was sent in this step arrives in it too, unless its direction is cut (a link's latency is far
            // below a step: a message must not wait 100 ms for a cut that starts after it was sent)
            for (Leg l : legs) {
                if (l.live()) {
                    deliver(l);
                }
            }
            check();
        }
        if (violation == null) {
            checkConverged();
        }
        for (Leg l : legs) {
            String why = l.standAloneReason;
            if (l.mode != Mode.DOWN && why != null && (why.startsWith("neither leg is UpToDate")
                    || why.contains("the sync rules make"))) {
                endedWithoutSafeSource = true;
            }
        }
        return violation;
    }

    // ------------------------------------------------------------------ faults and the operator

    private void faults() {
        int r = rnd.nextInt(1000);
        Leg l = legs[rnd.nextInt(2)];
        if (r < 8 && l.mode == Mode.UP) {
            crash(l, rnd.nextBoolean());
        } else if (r < 16 && l.mode == Mode.UP) {
            l.mode = Mode.FROZEN;
            l.frozenSince = step;
            l.modeUntil = step + 5 + rnd.nextInt(60);
            freezes++;
            trace(l + " frozen until step " + l.modeUntil);
        } else if (r < 36 && replHealAt < 0) {
            int kind = rnd.nextInt(3);
            cut[0][1] = kind != 2;
            cut[1][0] = kind != 1;
            replHealAt = step + 5 + rnd.nextInt(80);
            partitions++;
            if (rnd.nextInt(3) == 0 && clusterHealAt < 0) {
                clusterCut = true;
                clusterHealAt = replHealAt;
            }
            trace("replication cut " + (kind == 0 ? "both ways" : kind == 1 ? "0->1 only" : "1->0 only")
                    + (clusterCut ? " and the cluster interface too" : "") + " until step " + replHealAt);
        } else if (r < 42 && clusterHealAt < 0) {
            clusterCut = true;
            clusterHealAt = step + 10 + rnd.nextInt(60);
            trace("cluster interface cut until step " + clusterHealAt);
        } else if (r < 54) {
            for (Leg p : legs) {
                if (p.live() && p.primary() && switchoverAt < 0) {
                    demote(p, "operator demote (switchover)");
                    switchoverAt = step + 1 + rnd.nextInt(r < 50 ? 10 : 80);
                }
            }
        } else if (r < 70) {
            for (Leg s : legs) {
                if (s.live() && !s.wantConnected && step - s.standAloneSince > 20) {
                    operatorResolve(s);
                }
            }
        }
        if (replHealAt >= 0 && step >= replHealAt) {
            cut[0][1] = false;
            cut[1][0] = false;
            replHealAt = -1;
            trace("replication network healed");
        }
        if (clusterHealAt >= 0 && step >= clusterHealAt) {
            healCluster();
        }
    }

    private void heal() {
        cut[0][1] = false;
        cut[1][0] = false;
        replHealAt = -1;
        if (clusterCut) {
            healCluster();
        }
        for (Leg l : legs) {
            if (l.live() && !l.wantConnected && step - l.standAloneSince > 5) {
                operatorResolve(l);
            }
        }
    }

    private void healCluster() {
        clusterCut = false;
        clusterHealAt = -1;
        for (Leg l : legs) {
            if (l.mode != Mode.DOWN) {
                l.quorate = true;
            }
        }
        trace("cluster interface healed");
    }

    /** ha:mirror-connect, after settling a split brain by discarding the leg the cluster abandoned. */
    private void operatorResolve(Leg l) {
        Leg p = l.peer();
        String why = l.standAloneReason == null ? "" : l.standAloneReason;
        if (why.startsWith("split brain") && !l.primary()
                && l.core.meta().promotedEpoch() <= (p.mode == Mode.DOWN ? Long.MAX_VALUE : p.core.meta().promotedEpoch())) {
            try {
                l.core.discardMyData();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            trace(l + ": operator discards this leg's changes (split brain, abandoned by the cluster)");
        }
        l.wantConnected = true;
        l.standAloneReason = null;
    }

    private void crash(Leg l, boolean powerLoss) {
        crashes++;
        trace(l + (powerLoss ? " loses power (page cache lost)" : " process killed (page cache survives)")
                + " as " + l.core.role() + ", disk " + l.core.disk());
        if (conn != null) {
            if (powerLoss) {
                conn.queue[1 - l.id].clear();
            } else if (conn.open[l.id]) {
                conn.queue[1 - l.id].add(new Msg(Kind.CLOSE, 0, 0, false));
            }
            conn.open[l.id] = false;
            conn.queue[l.id].clear();
            dropIfClosed();
        }
        if (powerLoss) {
            powerLosses++;
            Leg o = l.peer();
            for (int b = 0; b < BLOCKS; b++) {
                if (l.cache[b] >= required[b] && l.durable[b] < required[b] && o.holding(b) < required[b]) {
                    forgiven++;
                    trace("block " + b + ": acknowledged value " + required[b] + " was only in " + l
                            + "'s page cache: lost with the power (accepted: a non-FUA write, like a disk's volatile cache)");
                    required[b] = Math.max(l.durable[b], o.holding(b));
                }
            }
            Arrays.fill(l.cache, -1);
        } else {
            l.force();
        }
        l.lostPower = powerLoss;
        l.mode = Mode.DOWN;
        l.modeUntil = step + 5 + rnd.nextInt(40);
        l.quorate = false;
        l.evicted = false;
    }

    private void restart(Leg l) {
        l.mode = Mode.UP;
        l.boot();
        l.quorate = !clusterCut || !otherHoldsQuorum(l);
        trace(l + " restarted: " + l.core.disk() + ", gi " + l.core.meta().gi() + ", dirty " + l.dirtyRegions());
    }

    private boolean otherHoldsQuorum(Leg l) {
        Leg o = l.peer();
        return o.mode != Mode.DOWN && o.quorate;
    }

    private void thaw(Leg l) {
        l.mode = Mode.UP;
        l.frozenSince = -1;
        trace(l + " thawed" + (l.evicted ? " (the cluster had given it up: quorum lost)" : ""));
        if (l.evicted) {
            l.core.quorumLost();
            l.evicted = false;
            l.quorate = !clusterCut || !otherHoldsQuorum(l);
        }
        // its receive thread reads what waited on the socket at once, before a cluster decision can reach it
        deliver(l);
    }

    // ------------------------------------------------------------------ the cluster

    private void cluster() {
        // quorum: with the cluster interface cut, the two-node tiebreaker keeps one side (the live primary's)
        if (clusterCut) {
            Leg keep = legs[0].live() && legs[0].primary() ? legs[0] : legs[1].live() && legs[1].primary() ? legs[1]
                    : legs[0].mode != Mode.DOWN ? legs[0] : legs[1];
            Leg lose = keep.peer();
            if (lose.quorate && lose.mode != Mode.DOWN) {
                lose.quorate = false;
                if (lose.live()) {
                    lose.core.quorumLost();
                    trace(lose + " lost quorum (cluster interface cut)");
                } else {
                    lose.evicted = true;
                }
            }
        }
        for (Leg l : legs) {
            if (l.mode == Mode.FROZEN && !l.evicted && frozenFor(l) > 20) {
                l.evicted = true;
                l.quorate = false;
                trace(l + " frozen for 2 s: the cluster gives it up");
            }
            // a primary without quorum stops its resources; so does one whose group now runs on a newer primary
            if (l.live() && l.primary() && !l.quorate) {
                demote(l, "cluster: no quorum, stop");
            } else if (l.live() && l.primary() && l.core.meta().promotedEpoch() < newestPromotionEpoch) {
                demote(l, "cluster: the group runs on the newer primary, stop");
            }
        }
        boolean livePrimary = false;
        for (Leg l : legs) {
            livePrimary |= l.mode == Mode.UP && l.primary() && l.core.writable()
                    || l.mode == Mode.FROZEN && l.primary() && !l.evicted;
        }
        if (livePrimary) {
            primaryGoneSince = -1;
            return;
        }
        if (primaryGoneSince < 0) {
            primaryGoneSince = step;
        }
        boolean due = switchoverAt >= 0 ? step >= switchoverAt : step - primaryGoneSince >= 10;
        if (!due) {
            return;
        }
        // prefer the leg that was not primary before a switchover, else any live quorate leg
        List<Leg> order = new ArrayList<>();
        for (Leg l : legs) {
            if (l.live() && l.quorate) {
                order.add(l);
            }
        }
        if (rnd.nextBoolean()) {
            java.util.Collections.reverse(order);
        }
        for (Leg l : order) {
            if (promote(l, switchoverAt >= 0 ? "cluster: switchover" : "cluster: failover")) {
                switchoverAt = -1;
                return;
            }
        }
        switchoverAt = -1;
    }

    private int frozenFor(Leg l) {
        return l.frozenSince < 0 ? 0 : step - l.frozenSince;
    }

    private boolean promote(Leg l, String why) {
        if (!l.live()) {
            return false;
        }
        long e = ++clusterEpoch;
        LegCore.Promotion p;
        try {
            p = l.core.promote(new FencingEpoch(e), false, l.quorate, new FencingEpoch(clusterEpoch),
                    l.connected(), now / 1_000_000);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (p instanceof LegCore.Refused r) {
            trace(why + ": " + l + " refused: " + r.reason());
            return false;
        }
        LegCore.Promoted done = (LegCore.Promoted) p;
        promotions++;
        if (e > newestPromotionEpoch) {
            newestPromotionEpoch = e;
            newestPromotionStep = step;
        }
        trace(why + ": " + l + " promoted with epoch " + e + (done.suspendWrites() ? ", writes suspended until the "
                + "peer is outdated" : "") + ", gi " + l.core.meta().gi());
        if (done.suspendWrites()) {
            startFencing(l);
        }
        if (done.reconnect()) {
            send(l, new Msg(Kind.ROLE, 0, 0, true));
            failSide(l, "new primary on a fresh volume: reconnecting for the initial sync");
        } else if (done.announce()) {
            send(l, new Msg(Kind.ROLE, 0, 0, true));
        }
        for (int b = 0; b < BLOCKS && violation == null; b++) {
            if (l.value(b) < required[b]) {
                violation = l + " was promoted without the acknowledged value " + required[b] + " of block " + b
                        + " (it holds " + l.value(b) + ")";
            }
        }
        return true;
    }

    private void demote(Leg l, String why) {
        if (!l.core.demote()) {
            return;
        }
        // the drain is not modelled (as if it timed out at once): writes still unconfirmed stay marked dirty,
        // since the activity log is cleared (MirrorVolume.demote, PeerLink.markUnansweredDirty)
        for (Write w : l.pending.values()) {
            l.markDirty(w.block);
        }
        l.force();
        l.persistBitmap();
        Arrays.fill(l.al, false);
        try {
            l.core.demoted();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trace(why + ": " + l + " demoted");
        send(l, new Msg(Kind.ROLE, 0, 0, false));
    }

    // ------------------------------------------------------------------ the application

    private void application() {
        for (Leg l : legs) {
            if (!l.live() || !l.primary()) {
                continue;
            }
            int n = rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                int b = rnd.nextInt(BLOCKS);
                if (outstanding(l, b)) {
                    continue;
                }
                write(l, b, rnd.nextInt(8) == 0);
            }
        }
    }

    private boolean outstanding(Leg l, int b) {
        for (Write w : l.pending.values()) {
            if (w.block == b) {
                return true;
            }
        }
        for (Write w : l.waiting) {
            if (w.block == b) {
                return true;
            }
        }
        return false;
    }

    private void write(Leg l, int b, boolean fua) {
        if (l.core.writeRefusal(l.quorate).isPresent()) {
            refusedWrites++;
            return;
        }
        Write w = new Write(b, nextValue++, step, fua);
        l.al[b] = true;
        l.alInFlight[b]++;
        l.cache[b] = w.value;
        if (l.connected()) {
            l.pending.put(w.value, w);
            send(l, new Msg(Kind.WRITE, b, w.value, fua));
        } else {
            l.markDirty(b);
            settle(l, w);
        }
        if (fua) {
            l.force();
        }
    }

    /** As MirrorVolume.settleUnconfirmed: the core decides. */
    private void settle(Leg l, Write w) {
        LegCore.AckDecision d = l.core.unconfirmedWrite();
        if (d instanceof LegCore.Ack) {
            acknowledge(l, w);
        } else if (d instanceof LegCore.Fail) {
            fail(l, w);
        } else {
            l.waiting.add(w);
        }
    }

    private void acknowledge(Leg l, Write w) {
        endWrite(l, w);
        acked++;
        long epoch = l.core.meta().promotedEpoch();
        if (newestPromotionEpoch > epoch && newestPromotionStep <= w.submitted && violation == null) {
            violation = l + " (primary of epoch " + epoch + ") acknowledged value " + w.value + " of block " + w.block
                    + ", accepted at step " + w.submitted + " after another promotion with epoch "
                    + newestPromotionEpoch + " (step " + newestPromotionStep + "): two primaries acknowledging";
        }
        required[w.block] = Math.max(required[w.block], w.value);
    }

    private void fail(Leg l, Write w) {
        endWrite(l, w);
        failedWrites++;
    }

    private void endWrite(Leg l, Write w) {
        l.alInFlight[w.block]--;
        l.alLastEnd[w.block] = step;
    }

    // ------------------------------------------------------------------ the replication link

    private void send(Leg from, Msg m) {
        if (conn != null && conn.open[from.id]) {
            conn.queue[1 - from.id].add(m);
        }
    }

    private void dropIfClosed() {
        if (conn != null && !conn.open[0] && !conn.open[1]) {
            conn = null;
        }
    }

    /** As PeerLink.fail: the core hears of it first, then the writes waiting on the link, then linkDown. */
    private void failSide(Leg l, String reason) {
        if (conn == null || !conn.open[l.id]) {
            return;
        }
        if (l.core.linkFailing(conn, reason)) {
            startFencing(l);
        }
        conn.queue[1 - l.id].add(new Msg(Kind.CLOSE, 0, 0, false));
        conn.open[l.id] = false;
        conn.queue[l.id].clear();
        List<Write> lost = new ArrayList<>(l.pending.values());
        l.pending.clear();
        for (Write w : lost) {
            l.markDirty(w.block);
        }
        for (Write w : lost) {
            settle(l, w);
        }
        l.resyncing = false;
        Arrays.fill(l.resyncInFlight, false);
        l.persistBitmap();
        try {
            l.core.linkDown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trace(l + ": link down (" + reason + ")" + (l.core.suspension() != null ? ", writes suspended" : ""));
        dropIfClosed();
    }

    private void standAlone(Leg l, String reason) {
        l.wantConnected = false;
        l.standAloneReason = reason;
        l.standAloneSince = step;
        trace(l + " StandAlone: " + reason);
    }

    private void connectIfPossible() {
        Leg a = legs[0];
        Leg b = legs[1];
        if (conn != null || !a.live() || !b.live() || !a.wantConnected || !b.wantConnected || cut[0][1] || cut[1][0]) {
            return;
        }
        LegInfo ia = a.core.hello(a.dirtyRegions());
        LegInfo ib = b.core.hello(b.dirtyRegions());
        LegCore.Handshake ha;
        LegCore.Handshake hb;
        try {
            ha = a.core.plan(ia, ib);
            hb = b.core.plan(ib, ia);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (ha.standAlone() != null || hb.standAlone() != null) {
            if (ha.standAlone() != null) {
                standAlone(a, ha.standAlone());
            }
            if (hb.standAlone() != null) {
                standAlone(b, hb.standAlone());
            }
            if (ha.plan() != null && ha.plan().decision() == SyncDecision.NO_SAFE_SOURCE) {
                staleSourceRefusals++;
            }
            return;
        }
        SyncDecision da = ha.plan().decision();
        SyncDecision db = hb.plan().decision();
        staleSource(a, ia, ib, da);
        staleSource(b, ib, ia, db);
        Suspension sa;
        Suspension sb;
        try {
            sa = a.core.connected(ia, ib, da);
            sb = b.core.connected(ib, ia, db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean[] wordsA = a.bitmap.clone();
        boolean[] wordsB = b.bitmap.clone();
        merge(a, da, wordsB);
        merge(b, db, wordsA);
        conn = new Conn();
        conn.decision[0] = da;
        conn.decision[1] = db;
        a.resyncing = da.isSource();
        b.resyncing = db.isSource();
        if (da.isSource() || db.isSource()) {
            resyncs++;
        }
        trace("connected: leg0 " + da + " (" + ia.disk() + ", dirty " + ia.dirtyRegions() + "), leg1 " + db + " ("
                + ib.disk() + ", dirty " + ib.dirtyRegions() + "): " + ha.plan().reason()
                + (sa != null || sb != null ? "; writes resume" : ""));
    }

    private void merge(Leg l, SyncDecision d, boolean[] peerWords) {
        for (int i = 0; i < BLOCKS; i++) {
            if (d.isFull() || d != SyncDecision.NONE && peerWords[i]) {
                l.bitmap[i] = true;
            }
        }
        l.persistBitmap();
    }

    private void staleSource(Leg l, LegInfo mine, LegInfo peer, SyncDecision d) {
        if (checkStaleSource && d.isSource() && mine.disk() != DiskState.UP_TO_DATE
                && peer.disk() == DiskState.UP_TO_DATE && violation == null) {
            violation = l + " became the sync source while " + mine.disk() + ", its peer UpToDate ("
                    + d + ", dirty " + mine.dirtyRegions() + " vs " + peer.dirtyRegions() + ")";
        }
    }

    private void deliver(Leg l) {
        Conn c = conn;
        if (c == null) {
            return;
        }
        int from = 1 - l.id;
        if (!cut[from][l.id]) {
            ArrayDeque<Msg> q = c.queue[l.id];
            while (!q.isEmpty() && conn == c && c.open[l.id]) {
                c.lastHeard[l.id] = step;
                receive(l, q.poll());
            }
        }
        if (conn == c && c.open[l.id] && step - c.lastHeard[l.id] > SILENCE_STEPS) {
            failSide(l, "nothing received for 1.5 s");
        }
    }

    private void receive(Leg l, Msg m) {
        switch (m.kind()) {
            case WRITE:
                l.al[m.block()] = true;
                l.alLastEnd[m.block()] = step;
                l.cache[m.block()] = m.value();
                if (m.flag()) {
                    l.force();
                }
                send(l, new Msg(Kind.WRITE_ACK, m.block(), m.value(), false));
                break;
            case WRITE_ACK: {
                Write w = l.pending.remove(m.value());
                if (w != null) {
                    acknowledge(l, w);
                }
                break;
            }
            case RESYNC_DATA:
                l.al[m.block()] = true;
                l.alLastEnd[m.block()] = step;
                l.cache[m.block()] = m.value();
                l.bitmap[m.block()] = false;
                send(l, new Msg(Kind.RESYNC_ACK, m.block(), m.value(), false));
                break;
            case RESYNC_ACK:
                l.bitmap[m.block()] = false;
                l.resyncInFlight[m.block()] = false;
                break;
            case RESYNC_DONE:
                l.force();
                Arrays.fill(l.bitmap, false);
                l.persistBitmap();
                try {
                    l.core.resyncDoneAsTarget(m.value());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                trace(l + ": resync from the peer finished, UpToDate");
                break;
            case ROLE: {
                if (!m.flag()) {
                    l.force();
                }
                String both = l.core.peerRole(m.flag());
                if (both != null) {
                    standAlone(l, both);
                    failSide(l, both);
                }
                break;
            }
            case CLOSE:
                failSide(l, "the peer closed the connection");
                break;
            default:
                break;
        }
    }

    // ------------------------------------------------------------------ per-leg timers

    private void tick(Leg l) {
        if (l.connected()) {
            send(l, new Msg(Kind.PING, 0, 0, false));
            resync(l);
        }
        fenceLoop(l);
        for (Iterator<Write> it = l.waiting.iterator(); it.hasNext(); ) {
            Write w = it.next();
            LegCore.AckDecision d = l.core.unconfirmedWrite();
            if (d instanceof LegCore.Ack) {
                it.remove();
                acknowledge(l, w);
            } else if (d instanceof LegCore.Fail) {
                it.remove();
                fail(l, w);
            }
        }
        if (step % 5 == l.id) {
            retireActivityLog(l);
        }
    }

    private void resync(Leg l) {
        if (!l.resyncing) {
            return;
        }
        if (checkStaleSource && l.core.disk() != DiskState.UP_TO_DATE && l.core.peerDisk() == DiskState.UP_TO_DATE
                && violation == null) {
            violation = l + " runs a resync as source while " + l.core.disk();
        }
        int budget = 2;
        boolean busy = false;
        for (int b = 0; b < BLOCKS; b++) {
            if (l.resyncInFlight[b]) {
                busy = true;
            } else if (l.bitmap[b] && budget > 0) {
                budget--;
                busy = true;
                l.resyncInFlight[b] = true;
                send(l, new Msg(Kind.RESYNC_DATA, b, l.value(b), false));
            } else if (l.bitmap[b]) {
                busy = true;
            }
        }
        if (!busy) {
            l.resyncing = false;
            l.persistBitmap();
            try {
                l.core.resyncDoneAsSource();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            send(l, new Msg(Kind.RESYNC_DONE, 0, l.core.meta().gi().current(), false));
            trace(l + ": resync to the peer finished");
        }
    }

    private void startFencing(Leg l) {
        l.fencing = l.core.suspension();
        l.resumedUnconfirmed = false;
        l.nextFence = step + 1;
    }

    private void fenceLoop(Leg l) {
        Suspension s = l.fencing;
        if (s == null || step < l.nextFence) {
            return;
        }
        boolean linkBack = conn != null && conn.open[l.id] && conn != s.lost();
        LegCore.FenceStep st = l.core.fenceStep(s, linkBack, l.resumedUnconfirmed);
        if (st != LegCore.FenceStep.ATTEMPT) {
            trace(l + ": fencing ends: " + st);
            l.fencing = null;
            return;
        }
        Leg p = l.peer();
        LegCore.FenceOutcome outcome;
        String detail;
        if (clusterCut || p.mode != Mode.UP) {
            outcome = LegCore.FenceOutcome.UNREACHABLE;
            detail = clusterCut ? "cluster interface cut" : "peer " + p.mode;
        } else {
            LegCore.OutdateAnswer a = p.core.outdateRequest(l.core.meta().promotedEpoch());
            outcome = a.confirmed() ? LegCore.FenceOutcome.OUTDATED : LegCore.FenceOutcome.NOT_CONFIRMED;
            detail = a.detail();
            if (a.confirmed()) {
                failSide(p, "the primary asked to outdate this leg");
            }
        }
        LegCore.FenceVerdict v = l.core.fenceOutcome(s, outcome, detail, l.quorate, l.resumedUnconfirmed, "step "
                + step);
        trace(l + ": fence attempt " + outcome + " (" + detail + "): " + v);
        if (v == LegCore.FenceVerdict.PEER_OUTDATED) {
            l.fencing = null;
            return;
        }
        if (v == LegCore.FenceVerdict.RESUMED_UNCONFIRMED) {
            l.resumedUnconfirmed = true;
        }
        if (!l.resumedUnconfirmed && l.core.expireIfDue(s)) {
            trace(l + ": fencing timeout: writes fail with EIO");
        }
        l.nextFence = step + (l.resumedUnconfirmed ? 50 : 5);
    }

    /**
     * As ActivityLog.retireIdle: an extent with no write in flight (on a primary: all acknowledged or in the
     * bitmap) and none ended for 4 s leaves the log, the data having been forced first.
     */
    private void retireActivityLog(Leg l) {
        boolean any = false;
        boolean[] retire = new boolean[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            boolean inFlight = l.alInFlight[b] > 0 && !l.bitmap[b];
            if (l.al[b] && !inFlight && step - l.alLastEnd[b] >= AL_IDLE_STEPS) {
                retire[b] = true;
                any = true;
            }
        }
        if (!any) {
            return;
        }
        l.force();
        for (int b = 0; b < BLOCKS; b++) {
            if (retire[b]) {
                l.al[b] = false;
            }
        }
    }

    // ------------------------------------------------------------------ invariants

    private void check() {
        if (violation != null) {
            return;
        }
        for (int b = 0; b < BLOCKS; b++) {
            long best = Math.max(legs[0].holding(b), legs[1].holding(b));
            if (best < required[b]) {
                violation = "acknowledged value " + required[b] + " of block " + b + " is on no leg any more (leg0 "
                        + legs[0].holding(b) + ", leg1 " + legs[1].holding(b) + ")";
                return;
            }
        }
        int writable = 0;
        for (Leg l : legs) {
            if (l.live() && l.primary() && l.core.writeRefusal(l.quorate).isEmpty()) {
                writable++;
                for (int b = 0; b < BLOCKS; b++) {
                    if (l.value(b) < required[b]) {
                        violation = l + " is a writable primary without the acknowledged value " + required[b]
                                + " of block " + b + " (it serves " + l.value(b) + ")";
                        return;
                    }
                }
            }
        }
    }

    /** After the quiet phase: connected, in sync legs hold the same data. */
    private void checkConverged() {
        Leg a = legs[0];
        Leg b = legs[1];
        if (conn == null || !a.connected() || !b.connected() || a.resyncing || b.resyncing
                || a.core.disk() != DiskState.UP_TO_DATE || b.core.disk() != DiskState.UP_TO_DATE
                || !a.pending.isEmpty() || !b.pending.isEmpty()) {
            return;
        }
        for (int i = 0; i < BLOCKS; i++) {
            if (a.value(i) != b.value(i)) {
                violation = "legs connected and UpToDate but block " + i + " differs: leg0 " + a.value(i) + ", leg1 "
                        + b.value(i);
                return;
            }
        }
    }

    /** Generation ids from the run's seed (as GenerationIds.newId: never 0, low 4 bits clear): replays print alike. */
    long newId() {
        long v;
        do {
            v = rnd.nextLong() & ~0xFL;
        } while (v == 0);
        return v;
    }

    private void trace(String s) {
        trace.add("step " + step + ": " + s);
    }

    String describe() {
        int from = Math.max(0, trace.size() - 60);
        return "seed " + seed + " (replay: -Dsim.seed=" + seed + "): " + violation + "\nlast events:\n  "
                + String.join("\n  ", trace.subList(from, trace.size()));
    }
}
