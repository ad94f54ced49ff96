package org.duplex.cluster.core;

import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigStore;
import org.duplex.cluster.coordinator.CoordinatorElection;
import org.duplex.cluster.coordinator.EpochStore;
import org.duplex.cluster.protocol.ProtocolVersion;
import org.duplex.cluster.quorum.QuorumCalculator;
import org.duplex.cluster.quorum.QuorumDecision;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's quorum, coordinator term and replicated configuration, as a deterministic state machine. It is
 * driven by three inputs — a new membership view, a message from a peer, a periodic tick — and reads time only
 * from the injected monotonic clock, so the simulator and the JGroups engine run exactly the same code.
 *
 * <p>Terms: in a quorate view, the coordinator (lowest MEMBER id) collects every member's Hello, picks
 * epoch = max(epochs seen) + 1, persists it, and sends NewTerm with the winning configuration. Members persist the
 * epoch and acknowledge; the term is established (the coordinator may act) once every member of the view has
 * acknowledged and the tiebreaker carries the epoch. So an established epoch is on disk on every node of a
 * quorate view, and any later quorate view contains one of them: established epochs strictly increase.
 *
 * <p>Configuration: snapshots are ordered by (version, epoch); a node only ever moves forward. When a term starts
 * (for example after a merge) the snapshot from the newest term wins; if another side holds a higher version
 * number the winner is re-stamped above it, so version numbers never go backwards on any node either.
 *
 * <p>Mixed builds: every Hello carries the sender's {@link ProtocolVersion}. The snapshot a term would choose
 * (the newest among the view's Hellos) may require a protocol level ({@link ClusterConfig#requires()}); a member
 * below it <em>stands aside</em>: every member computes the same set from the same Hellos, leaves it out of the
 * partition (no vote, no coordinator, no acknowledgement awaited), and the member itself is not quorate and adopts
 * nothing, with a reason that names the level and build it needs. A change that requires more than the lowest
 * level in the partition is refused, so a newer build's addition stays off until every member runs it.
 */
public final class ClusterCore {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCore.class);

    /** Winner at a term start: the snapshot accepted under the newest term, then the highest version. */
    private static final Comparator<ClusterConfig> WINNER =
            Comparator.comparingLong(ClusterConfig::epoch).thenComparingLong(ClusterConfig::version);

    private final NodeId self;
    private final QuorumSettings settings;
    private final Tiebreaker tiebreaker;
    private final EpochStore epochStore;
    private final ConfigStore configStore;
    private final LongSupplier clock;
    private final Outbox outbox;
    private final ProtocolVersion me;

    private ClusterConfig config;
    private Map<NodeId, org.duplex.cluster.quorum.VoterInfo> voters;
    private Map<NodeId, org.duplex.api.model.NodeRole> roles;
    private long knownEpoch;
    private MembershipView view;
    private Set<NodeId> partition;
    private final Map<NodeId, ClusterMessage.Hello> hellos = new HashMap<>();
    private boolean waitingForAll;
    /** Members of this view that cannot hold the configuration the term would choose (too old a build). */
    private Set<NodeId> standAside = Set.of();
    /** Why this node takes no part (it is too old for the cluster's configuration), or null. */
    private String refusal;

    private String pendingView;
    private long pendingEpoch;
    private long pendingSince;
    private long termBackoffUntil;
    /** Terms abandoned in a row: each retry waits twice as long (up to 8 deadlines), so an overloaded cluster settles. */
    private int abandonedTerms;
    private long termDeadlineNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);
    private final Set<NodeId> acks = new HashSet<>();
    private boolean established;

    private String acceptedView;
    private long acceptedEpoch;
    private NodeId acceptedFrom;

    /*
     * Resends back off. Every member used to re-broadcast its Hello (with the whole configuration) at every 50 ms
     * tick until a term was accepted: at 16 booting nodes on two cores that was hundreds of multicasts a second,
     * which starved the JVMs, made the heartbeat declare them dead, changed the view again, and so on for minutes.
     */
    static final long FIRST_RESEND_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_HELLO_RESEND_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    static final long MAX_TERM_RESEND_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
    private long helloGap = FIRST_RESEND_NANOS;
    private long nextHelloAt;
    private long termGap = FIRST_RESEND_NANOS;
    private long nextTermAt;
    /** Hellos and new terms that arrived before this node installed their view (latest per sender), replayed then. */
    private final Map<NodeId, ClusterMessage> early = new HashMap<>();

    private long viewChanges;

    public ClusterCore(NodeId self, ClusterConfig bootstrap, QuorumSettings settings, Tiebreaker tiebreaker,
                       EpochStore epochStore, ConfigStore configStore, LongSupplier clock, Outbox outbox)
            throws IOException {
        this(self, bootstrap, settings, tiebreaker, epochStore, configStore, clock, outbox, ProtocolVersion.CURRENT);
    }

    /** @param me the protocol version this node speaks (tests run several levels side by side) */
    public ClusterCore(NodeId self, ClusterConfig bootstrap, QuorumSettings settings, Tiebreaker tiebreaker,
                       EpochStore epochStore, ConfigStore configStore, LongSupplier clock, Outbox outbox,
                       ProtocolVersion me) throws IOException {
        this.me = Objects.requireNonNull(me, "me");
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tiebreaker = Objects.requireNonNull(tiebreaker, "tiebreaker");
        this.epochStore = epochStore;
        this.configStore = configStore;
        this.clock = clock;
        this.termBackoffUntil = clock.getAsLong();
        this.outbox = outbox;
        Optional<ClusterConfig> stored = configStore.load();
        if (stored.isPresent() && stored.get().requires() > me.level()) {
            throw new IOException("the stored cluster configuration (version " + stored.get().version()
                    + ") needs protocol level " + stored.get().requires() + " but this build is " + me
                    + ": it was written by a newer Duplex and uses what this build cannot read; start a build of"
                    + " level " + stored.get().requires() + " or later (going back is possible only while nothing"
                    + " newer is in use: ha:upgrade-status says when)");
        }
        setConfig(stored.filter(s -> !bootstrap.isNewerThan(s)).orElse(bootstrap));
        this.knownEpoch = epochStore.load();
        tiebreaker.publishEpoch(knownEpoch);
        this.view = MembershipView.alone(self);
        this.partition = Set.of(self);
        this.waitingForAll = settings.waitForAll();
        LOG.info("Node {} starting with configuration version {} (epoch {}), fencing epoch {}, protocol {}", self,
                config.version(), config.epoch(), knownEpoch, me);
    }

    /**
     * A term not established within this time (by this node's clock) is abandoned. It must be shorter than the
     * failure detection timeout: a coordinator frozen in the middle of opening a term must not, on waking, finish
     * it from acknowledgements sent before the others had moved on to a newer view and term.
     */
    public synchronized void setTermDeadline(java.time.Duration deadline) {
        this.termDeadlineNanos = deadline.toNanos();
    }

    public NodeId self() {
        return self;
    }

    public synchronized ClusterConfig config() {
        return config;
    }

    /** Views installed since this core was made (the first one included): the metrics' view-change counter. */
    public synchronized long viewChanges() {
        return viewChanges;
    }

    public synchronized MembershipView view() {
        return view;
    }

    public synchronized long knownEpoch() {
        return knownEpoch;
    }

    public QuorumSettings settings() {
        return settings;
    }

    public Tiebreaker tiebreaker() {
        return tiebreaker;
    }

    /** When {@link #tick} next has tiebreaker I/O to do ({@link Long#MAX_VALUE}: none; only two-node mode uses it). */
    public long nextIoDueNanos() {
        return settings.twoNode() ? tiebreaker.nextIoDueNanos() : Long.MAX_VALUE;
    }

    /** The engine installed a new view. */
    public synchronized void onView(MembershipView newView) {
        if (!newView.members().contains(self)) {
            throw new IllegalArgumentException("view " + newView + " does not contain this node " + self);
        }
        LOG.info("Node {}: new view {} {}", self, newView.id(), newView.members());
        viewChanges++;
        view = newView;
        partition = Set.copyOf(newView.members());
        hellos.clear();
        pendingView = null;
        established = false;
        acks.clear();
        acceptedView = null;
        acceptedFrom = null;
        standAside = Set.of();
        refusal = null;
        if (partition.containsAll(voters.keySet()) && waitingForAll) {
            LOG.info("Node {}: all {} nodes seen, wait_for_all satisfied", self, voters.size());
            waitingForAll = false;
        }
        sendHello();
        helloGap = FIRST_RESEND_NANOS;
        nextHelloAt = clock.getAsLong() + helloGap;
        List<ClusterMessage> replay = early.values().stream().filter(m -> m.viewId().equals(newView.id())).toList();
        early.clear();
        replay.stream().filter(m -> m instanceof ClusterMessage.Hello).forEach(this::onMessage);
        replay.stream().filter(m -> m instanceof ClusterMessage.NewTerm).forEach(this::onMessage);
    }

    /** Periodic work: tiebreaker I/O, resending what the network may have lost, starting a term. */
    public synchronized void tick() {
        long now = clock.getAsLong();
        Tiebreaker.Verdict verdict = settings.twoNode() ? tiebreaker.evaluate(partition, now)
                : Tiebreaker.Verdict.deny("not in two-node mode");
        QuorumDecision d = decide(verdict);
        long observed = tiebreaker.observedEpoch();
        if (observed > knownEpoch) {
            persistEpoch(observed);
        }
        if (!view.id().equals(acceptedView) && !(established && view.id().equals(pendingView))
                && now - nextHelloAt >= 0) {
            sendHello();
            helloGap = Math.min(helloGap * 2, MAX_HELLO_RESEND_NANOS);
            nextHelloAt = now + helloGap;
        }
        if (view.id().equals(pendingView) && !established && now - pendingSince > termDeadlineNanos) {
            List<String> silent = partition.stream().filter(n -> !acks.contains(n)).map(NodeId::toString).sorted()
                    .toList();
            abandonedTerms++;
            long wait = termDeadlineNanos << Math.min(abandonedTerms - 1, 3);
            LOG.warn("Node {}: term {} not established within {} ms (paused, or members unreachable); abandoned;"
                    + " no acknowledgement from {}; next attempt in {} ms", self, pendingEpoch,
                    termDeadlineNanos / 1_000_000,
                    silent.isEmpty() ? "nobody missing (tiebreaker epoch not durable, or no quorum)" : silent,
                    wait / 1_000_000);
            pendingView = null;
            termBackoffUntil = now + wait;
        }
        if (!d.quorate() && view.id().equals(pendingView) && !established) {
            // a term that could not be established before quorum went away is abandoned; if quorum comes back
            // in this view a fresh term (with a fresh epoch) starts
            LOG.info("Node {}: abandoning the unestablished term {} (lost quorum: {})", self, pendingEpoch, d.reason());
            pendingView = null;
        }
        if (d.quorate() && isCandidate() && !view.id().equals(pendingView) && now - termBackoffUntil >= 0) {
            maybeStartTerm();
        }
        if (view.id().equals(pendingView) && !established) {
            if (d.quorate() && acks.containsAll(partition) && tiebreaker.epochDurable(pendingEpoch)) {
                established = true;
                abandonedTerms = 0;
                LOG.info("Node {} is coordinator of view {} {} with fencing epoch {}", self, view.id(),
                        view.members(), pendingEpoch);
            } else if (now - nextTermAt >= 0) {
                outbox.send(Optional.empty(), new ClusterMessage.NewTerm(self, view.id(), pendingEpoch, config));
                termGap = Math.min(termGap * 2, MAX_TERM_RESEND_NANOS);
                nextTermAt = now + termGap;
            }
        }
    }

    public synchronized void onMessage(ClusterMessage m) {
        if (m.from().equals(self)) {
            return;
        }
        if (!m.viewId().equals(view.id())) {
            if (m instanceof ClusterMessage.Hello || m instanceof ClusterMessage.NewTerm) {
                early.put(m.from(), m); // perhaps a view this node has not installed yet
            }
            return;
        }
        if (!view.members().contains(m.from())) {
            return;
        }
        if (m instanceof ClusterMessage.Hello h) {
            hellos.put(h.from(), h);
            recomputeStandAside();
            if (!h.waitingForAll() && waitingForAll) {
                LOG.info("Node {}: {} already saw the whole cluster, wait_for_all satisfied", self, h.from());
                waitingForAll = false;
            }
        } else if (m instanceof ClusterMessage.NewTerm t) {
            onNewTerm(t);
        } else if (m instanceof ClusterMessage.TermAck a) {
            if (view.id().equals(pendingView) && a.epoch() == pendingEpoch) {
                acks.add(a.from());
            }
        } else if (m instanceof ClusterMessage.ConfigCommit c) {
            if (c.config().requires() > me.level()) {
                refuse("configuration version " + c.config().version() + " from " + c.from(), c.config());
            } else if (c.epoch() >= knownEpoch && view.id().equals(acceptedView) && c.epoch() == acceptedEpoch) {
                adopt(c.config());
            }
        } else if (m instanceof ClusterMessage.ConfigProposal p) {
            if (isEstablishedCoordinator() && currentDecision().quorate()) {
                String above = aboveClusterLevel(p.config());
                if (above != null) {
                    LOG.warn("Node {}: refused a change from {}: {}", self, p.from(), above);
                } else if (p.baseVersion() == config.version()) {
                    commit(p.config());
                } else {
                    LOG.warn("Node {}: refused a change from {} prepared on version {} (current is {});"
                            + " the operator must retry", self, p.from(), p.baseVersion(), config.version());
                }
            }
        }
    }

    private void onNewTerm(ClusterMessage.NewTerm t) {
        if (t.config().requires() > me.level()) {
            refuse("the term " + t.epoch() + " of " + t.from(), t.config());
            return;
        }
        if (refusal != null) {
            return;
        }
        if (t.epoch() < knownEpoch) {
            LOG.info("Node {}: ignoring stale term {} from {} (known epoch {})", self, t.epoch(), t.from(),
                    knownEpoch);
            return;
        }
        if (t.epoch() > knownEpoch && !persistEpoch(t.epoch())) {
            return;
        }
        adopt(t.config());
        if (!view.id().equals(acceptedView) || acceptedEpoch != t.epoch()) {
            LOG.info("Node {}: accepted {} as coordinator of view {} with fencing epoch {}", self, t.from(),
                    view.id(), t.epoch());
        }
        acceptedView = view.id();
        acceptedEpoch = t.epoch();
        acceptedFrom = t.from();
        outbox.send(Optional.of(t.from()), new ClusterMessage.TermAck(self, view.id(), t.epoch()));
    }

    /** Applies a configuration change cluster-wide if this partition is quorate (validation is the caller's). */
    public synchronized ProposeResult propose(ClusterConfig candidate) {
        return propose(candidate, config.version());
    }

    /**
     * Like {@link #propose(ClusterConfig)}, as a compare-and-set: refused unless this node's configuration is still
     * at {@code baseVersion} (the version the candidate was prepared on), so a concurrent change is never lost.
     */
    public synchronized ProposeResult propose(ClusterConfig candidate, long baseVersion) {
        if (baseVersion != config.version()) {
            return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: prepared on"
                    + " configuration version " + baseVersion + " but version " + config.version()
                    + " is current; reload and retry");
        }
        QuorumDecision d = currentDecision();
        if (!d.quorate()) {
            return new ProposeResult(ProposeResult.Status.REJECTED, config.version(),
                    "refused: this partition has no quorum (" + d.reason() + ")");
        }
        String above = aboveClusterLevel(candidate);
        if (above != null) {
            return new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: " + above);
        }
        if (isEstablishedCoordinator()) {
            ClusterConfig applied = commit(candidate);
            return applied == null
                    ? new ProposeResult(ProposeResult.Status.REJECTED, config.version(), "refused: cannot persist")
                    : new ProposeResult(ProposeResult.Status.APPLIED, applied.version(),
                    "applied as version " + applied.version());
        }
        if (view.id().equals(acceptedView) && acceptedFrom != null) {
            outbox.send(Optional.of(acceptedFrom),
                    new ClusterMessage.ConfigProposal(self, view.id(), config.version(), candidate));
            return new ProposeResult(ProposeResult.Status.FORWARDED, config.version(),
                    "sent to coordinator " + acceptedFrom);
        }
        return new ProposeResult(ProposeResult.Status.REJECTED, config.version(),
                "refused: no coordinator term yet in view " + view.id());
    }

    /** The local view of the cluster, evaluated now (no I/O). */
    public synchronized QuorumState state() {
        QuorumDecision d = currentDecision();
        Optional<NodeId> coordinator = Optional.empty();
        if (d.quorate()) {
            if (isEstablishedCoordinator()) {
                coordinator = Optional.of(self);
            } else if (view.id().equals(acceptedView)) {
                coordinator = Optional.ofNullable(acceptedFrom);
            }
        }
        return new QuorumState(self, d.quorate(), coordinator, new FencingEpoch(knownEpoch), partition,
                d.votes(), d.expectedVotes(), d.reason(), d.settling());
    }

    public synchronized boolean isEstablishedCoordinator() {
        return established && view.id().equals(pendingView);
    }

    /** The epoch of the term this node established as coordinator in its current view, or 0. */
    public synchronized long establishedEpoch() {
        return isEstablishedCoordinator() ? pendingEpoch : 0;
    }

    public synchronized boolean waitingForAll() {
        return waitingForAll;
    }

    private QuorumDecision currentDecision() {
        Tiebreaker.Verdict verdict = settings.twoNode() ? tiebreaker.peek(partition, clock.getAsLong())
                : Tiebreaker.Verdict.deny("not in two-node mode");
        return decide(verdict);
    }

    private QuorumDecision decide(Tiebreaker.Verdict verdict) {
        if (refusal != null) {
            return new QuorumDecision(false, 0, 0, refusal);
        }
        return QuorumCalculator.evaluate(voters, settings, partition, waitingForAll, verdict);
    }

    private boolean isCandidate() {
        return refusal == null && CoordinatorElection.choose(
                view.members().stream().filter(m -> !standAside.contains(m)).toList(), roles)
                .filter(self::equals).isPresent();
    }

    /**
     * Which members cannot hold the snapshot a term would choose from the Hellos in (the newest, as
     * {@link #maybeStartTerm} picks it): every member computes the same set from the same Hellos.
     */
    private void recomputeStandAside() {
        ClusterConfig offered = config;
        for (ClusterMessage.Hello h : hellos.values()) {
            if (WINNER.compare(h.config(), offered) > 0) {
                offered = h.config();
            }
        }
        Set<NodeId> aside = new java.util.TreeSet<>();
        for (NodeId m : view.members()) {
            ProtocolVersion v = versionOf(m);
            if (v != null && v.level() < offered.requires()) {
                aside.add(m);
            }
        }
        if (aside.equals(standAside)) {
            return;
        }
        standAside = Set.copyOf(aside);
        Set<NodeId> p = new HashSet<>(view.members());
        p.removeAll(aside);
        partition = Set.copyOf(p);
        if (aside.contains(self)) {
            refuse("configuration version " + offered.version() + " held by the cluster", offered);
        } else if (!aside.isEmpty()) {
            LOG.warn("Node {}: {} cannot hold configuration version {} (it needs protocol level {}): standing aside"
                    + " with no vote until upgraded; {}", self, aside.stream().map(n -> n + " runs " + versionOf(n))
                    .toList(), offered.version(), offered.requires(), "ha:upgrade-status shows every member's build");
        }
    }

    private void refuse(String what, ClusterConfig needing) {
        // name a build that can hold it, from the members' Hellos: what the operator has to install here
        String example = hellos.values().stream().map(ClusterMessage.Hello::version)
                .filter(v -> v.level() >= needing.requires()).map(ProtocolVersion::build).sorted().findFirst()
                .map(b -> " (Duplex " + b + " or any build of that level)").orElse("");
        String why = "this node runs protocol " + me + " but " + what + " needs protocol level "
                + needing.requires() + example + ": upgrade Duplex on this node (it takes no part and runs"
                + " nothing until then)";
        if (!why.equals(refusal)) {
            LOG.error("Node {}: {}", self, why);
        }
        refusal = why;
    }

    /** Why {@code candidate} cannot be applied yet (it needs a level some member lacks), or null. */
    private String aboveClusterLevel(ClusterConfig candidate) {
        if (candidate.requires() <= 0) {
            return null;
        }
        List<String> below = partition.stream().filter(m -> {
            ProtocolVersion v = versionOf(m);
            return v != null && v.level() < candidate.requires();
        }).sorted().map(m -> m + " runs " + versionOf(m)).toList();
        if (below.isEmpty()) {
            return null;
        }
        return "the change needs every node at protocol level " + candidate.requires() + " and " + below
                + "; upgrade those nodes first (ha:upgrade-status shows every member's build)";
    }

    private ProtocolVersion versionOf(NodeId m) {
        if (m.equals(self)) {
            return me;
        }
        ClusterMessage.Hello h = hellos.get(m);
        return h == null ? null : h.version();
    }

    /** This node's protocol version. */
    public ProtocolVersion protocol() {
        return me;
    }

    /**
     * The protocol version of every member of the current view whose Hello this node has (itself included), by
     * node id. Members that have not said hello in this view are missing.
     */
    public synchronized Map<NodeId, ProtocolVersion> memberVersions() {
        Map<NodeId, ProtocolVersion> m = new java.util.TreeMap<>();
        for (NodeId n : view.members()) {
            ProtocolVersion v = versionOf(n);
            if (v != null) {
                m.put(n, v);
            }
        }
        return m;
    }

    /** Members standing aside because their build is too old for the configuration (see the class comment). */
    public synchronized Set<NodeId> standingAside() {
        return standAside;
    }

    /** Why this node takes no part in the cluster (too old a build), if it does not. */
    public synchronized Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    private void maybeStartTerm() {
        for (NodeId m : view.members()) {
            if (!m.equals(self) && !hellos.containsKey(m)) {
                return;
            }
        }
        long maxEpoch = Math.max(knownEpoch, tiebreaker.observedEpoch());
        ClusterConfig winner = config;
        long maxVersion = config.version();
        for (ClusterMessage.Hello h : hellos.values()) {
            maxEpoch = Math.max(maxEpoch, h.epoch());
            maxVersion = Math.max(maxVersion, h.config().version());
            if (WINNER.compare(h.config(), winner) > 0) {
                winner = h.config();
            }
        }
        long epoch = maxEpoch + 1;
        if (!persistEpoch(epoch)) {
            return;
        }
        if (winner.version() < maxVersion) {
            winner = winner.stamped(maxVersion + 1, epoch);
        }
        adopt(winner);
        pendingView = view.id();
        pendingEpoch = epoch;
        pendingSince = clock.getAsLong();
        termGap = FIRST_RESEND_NANOS;
        nextTermAt = pendingSince + termGap;
        established = false;
        acks.clear();
        acks.add(self);
        LOG.info("Node {}: opening coordinator term with fencing epoch {} in view {} (configuration version {})",
                self, epoch, view.id(), config.version());
        outbox.send(Optional.empty(), new ClusterMessage.NewTerm(self, view.id(), epoch, config));
    }

    private ClusterConfig commit(ClusterConfig candidate) {
        String above = aboveClusterLevel(candidate);
        if (above != null) {
            LOG.warn("Node {}: change refused: {}", self, above);
            return null;
        }
        ClusterConfig next = candidate.stamped(config.version() + 1, pendingEpoch);
        try {
            configStore.save(next);
        } catch (IOException e) {
            LOG.error("Node {}: cannot persist configuration version {}: {}; change refused", self, next.version(),
                    e.getMessage());
            return null;
        }
        setConfig(next);
        LOG.info("Node {}: configuration version {} accepted (epoch {})", self, next.version(), next.epoch());
        outbox.send(Optional.empty(), new ClusterMessage.ConfigCommit(self, view.id(), pendingEpoch, next));
        return next;
    }

    private void adopt(ClusterConfig candidate) {
        if (!candidate.isNewerThan(config)) {
            return;
        }
        try {
            configStore.save(candidate);
        } catch (IOException e) {
            LOG.error("Node {}: cannot persist configuration version {}: {}", self, candidate.version(),
                    e.getMessage());
            return;
        }
        LOG.info("Node {}: configuration version {} -> {}", self, config.version(), candidate.version());
        setConfig(candidate);
    }

    private boolean persistEpoch(long epoch) {
        if (epoch <= knownEpoch) {
            return true;
        }
        try {
            epochStore.store(epoch);
        } catch (IOException e) {
            LOG.error("Node {}: cannot persist fencing epoch {}: {}; not taking part in the term", self, epoch,
                    e.getMessage());
            return false;
        }
        knownEpoch = epoch;
        tiebreaker.publishEpoch(epoch);
        return true;
    }

    private void setConfig(ClusterConfig c) {
        config = c;
        voters = c.voters();
        roles = c.roles();
    }

    private void sendHello() {
        outbox.send(Optional.empty(), new ClusterMessage.Hello(self, view.id(), knownEpoch, config, waitingForAll,
                me.level(), me.build()));
    }
}
