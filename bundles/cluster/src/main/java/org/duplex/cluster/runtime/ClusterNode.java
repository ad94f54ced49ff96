package org.duplex.cluster.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.duplex.api.cluster.NodeFencing;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.FileConfigStore;
import org.duplex.cluster.coordinator.FileEpochStore;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.execution.ClusterExecutionChannel;
import org.duplex.cluster.documents.ReplicatedConfig;
import org.duplex.cluster.documents.ReplicatedDocumentStore;
import org.duplex.cluster.jgroups.JGroupsEngine;
import org.duplex.cluster.plugin.ReplicatedPlugins;
import org.duplex.cluster.jgroups.JGroupsSettings;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.quorum.Tiebreaker;
import org.duplex.cluster.tiebreaker.DeviceHolderFencing;
import org.duplex.cluster.tiebreaker.DiskLeaseTiebreaker;
import org.duplex.cluster.tiebreaker.FileLeaseStore;
import org.duplex.cluster.tiebreaker.PingTiebreaker;
import org.duplex.cluster.tiebreaker.WitnessTiebreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running cluster node: the core on JGroups, a ticker, durable state, listeners. */
public final class ClusterNode implements AutoCloseable, ReplicatedConfig {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final NodeOptions options;
    private final ClusterCore core;
    private final JGroupsEngine engine;
    private final ScheduledExecutorService ticker;
    private ExecutorService fenceRunner;
    private final CopyOnWriteArrayList<QuorumListener> listeners = new CopyOnWriteArrayList<>();
    private volatile QuorumState last;
    private final CopyOnWriteArrayList<Consumer<ClusterConfig>> configListeners = new CopyOnWriteArrayList<>();
    private ClusterConfig lastConfig;
    private final ClusterExecutionChannel execution;
    private final ReplicatedDocumentStore documents;
    private final ReplicatedPlugins plugins;
    private final IntSupplier tiebreakerWeight;
    /** Sampled on the tick thread before the core's lock is taken, so the provider's code never runs under it. */
    private volatile int weightSample;
    private String weightProblem;
    /** Tick thread only: consecutive ticks with a quorate, settled, unchanged state, and the next scheduled tick. */
    private int quietTicks;
    private ScheduledFuture<?> nextTick;
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    private final long fastTickMs;

    /** Quiet ticks before the steady interval applies (at the fast interval: 1 s). */
    static final int QUIET_TICKS = 20;

    /** How long the coordinator waits for another node's report on an order, by default. */
    public static final Duration DEFAULT_EXECUTION_TIMEOUT = Duration.ofSeconds(120);

    public ClusterNode(NodeOptions options) throws IOException {
        this(options, DEFAULT_EXECUTION_TIMEOUT);
    }

    /** @param executionTimeout how long an order to another node's executor waits for its report */
    public ClusterNode(NodeOptions options, Duration executionTimeout) throws IOException {
        this(options, executionTimeout, () -> 0);
    }

    /**
     * @param tiebreakerWeight this node's weight for the two-node disk lease (groups active here; the lease is
     *                         handed to the heavier node while both are in one view); must not block
     */
    public ClusterNode(NodeOptions options, Duration executionTimeout, IntSupplier tiebreakerWeight)
            throws IOException {
        this(options, executionTimeout, tiebreakerWeight, () -> null);
    }

    /**
     * @param fencing the failover bundle's fencing devices when it runs (else null): with
     *                {@link NodeOptions#leaseFenceTakeover()} the disk lease of a silent holder is taken as soon as
     *                it is confirmed off
     */
    public ClusterNode(NodeOptions options, Duration executionTimeout, IntSupplier tiebreakerWeight,
                       Supplier<NodeFencing> fencing) throws IOException {
        this.options = options;
        this.tiebreakerWeight = tiebreakerWeight;
        this.fastTickMs = Math.max(1, options.tickInterval().toMillis());
        Files.createDirectories(options.stateDir());
        if (!Files.isReadable(options.clusterKeyFile())) {
            throw new IOException("cluster key file " + options.clusterKeyFile() + " is missing or unreadable: create it"
                    + " once with 'head -c 32 /dev/urandom > " + options.clusterKeyFile() + "' and copy it to every node");
        }
        byte[] key = Files.readAllBytes(options.clusterKeyFile());
        NodeId self = NodeId.of(options.nodeId());
        engine = new JGroupsEngine(new JGroupsSettings(options.clusterName(), self, options.bindAddress(),
                options.effectiveBindPort(), options.peers(), key, options.fdTimeout(), options.fdBackstop(),
                options.fdSockOffset(),
                options.testHooks()));
        core = new ClusterCore(self, options.bootstrapConfig(), options.quorumSettings(),
                tiebreaker(options, self, () -> weightSample),
                new FileEpochStore(options.stateDir().resolve("epoch")),
                new FileConfigStore(options.stateDir().resolve("cluster-config.json")),
                System::nanoTime, engine::send);
        core.setTermDeadline(options.fdTimeout().dividedBy(2));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-cluster-tick-" + self);
            t.setDaemon(true);
            return t;
        });
        if (options.leaseFenceTakeover() && core.tiebreaker() instanceof DiskLeaseTiebreaker lease) {
            fenceRunner = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "duplex-lease-fence-" + self);
                t.setDaemon(true);
                return t;
            });
            lease.useFencing(new DeviceHolderFencing(fencing, fenceRunner, System::nanoTime, Duration.ofSeconds(5),
                    this::kick), options.leaseRenew().multipliedBy(2));
        }
        execution = new ClusterExecutionChannel(self, core::view, core::knownEpoch, () -> core.config().version(),
                engine::send, ticker,
                executionTimeout, Instant::now);
        documents = new ReplicatedDocumentStore(this, options.fdTimeout().multipliedBy(5));
        plugins = new ReplicatedPlugins(self, this, core::view, engine::send, options.fdTimeout().multipliedBy(5));
    }

    static Tiebreaker tiebreaker(NodeOptions o, NodeId self, IntSupplier weight) {
        String type = o.tiebreaker() == null ? "none" : o.tiebreaker().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "", "none" -> Tiebreaker.NONE;
            case "disk" -> new DiskLeaseTiebreaker(self, new FileLeaseStore(Path.of(o.diskPath()), o.diskOffset(),
                    o.parseMembers().stream().filter(m -> m.role() == NodeRole.MEMBER).map(m -> NodeId.of(m.id()))
                            .toList()),
                    o.leaseRenew(), o.leaseTime(), o.leaseMargin(), weight, System::nanoTime);
            case "witness" -> new WitnessTiebreaker(NodeId.of(o.witness()), o.parseMembers().stream()
                    .filter(m -> m.role() == NodeRole.MEMBER).map(m -> NodeId.of(m.id())).collect(Collectors.toSet()));
            case "ping" -> PingTiebreaker.icmp(o.pingTarget(), java.time.Duration.ofMillis(500),
                    java.time.Duration.ofSeconds(1));
            default -> throw new IllegalArgumentException("tiebreaker.type '" + o.tiebreaker()
                    + "': use none, disk, witness or ping");
        };
    }

    public void start() throws Exception {
        if (options.noQuorumPolicy() == NoQuorumPolicy.IGNORE) {
            LOG.warn("no-quorum policy is IGNORE: this node keeps running resources without quorum (split-brain risk)");
        }
        engine.start(v -> {
            core.onView(v);
            execution.onView(v);
            plugins.onView(v);
            kick();
        }, m -> {
            if (!execution.onMessage(m) && !plugins.onMessage(m)) {
                core.onMessage(m);
                kick();
            }
        });
        schedule(0);
    }

    /**
     * The longest tick interval while nothing moves: a quorate, settled state unchanged for {@link #QUIET_TICKS}
     * ticks. Each tick is a wake-up, and wake-ups were most of an idle node's CPU. Safe because everything that
     * matters arrives as an event that brings the fast interval back at once (a view change, a cluster message, a
     * confirmed fence: {@link #kick()}). A tiebreaker with periodic I/O (the disk lease) gets its tick when that I/O
     * is due: see {@link #steadyDelay}.
     */
    static final long STEADY_TICK_MS = 250;

    /**
     * The delay to the next tick while steady: {@link #STEADY_TICK_MS}, or less when the tiebreaker's next I/O is
     * due sooner, so a lease holder renews at its renew interval (plus the executor's lateness), not at the first
     * tick after it, and the lease adds no ticks of its own. Rounded up and one millisecond late, so the tick never
     * comes before the I/O is due; should it find nothing due anyway, the next one is only a fast tick away.
     */
    static long steadyDelay(long fastMs, long nowNanos, long ioDueNanos) {
        if (ioDueNanos == Long.MAX_VALUE) {
            return Math.max(fastMs, STEADY_TICK_MS);
        }
        long untilDue = ioDueNanos - nowNanos;
        if (untilDue <= 0) {
            return fastMs;
        }
        long ms = (untilDue + 999_999) / 1_000_000 + 1;
        return Math.max(fastMs, Math.min(STEADY_TICK_MS, ms));
    }

    private void schedule(long delayMs) {
        try {
            nextTick = ticker.schedule(this::tickAndReschedule, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void tickAndReschedule() {
        tick();
        schedule(quietTicks >= QUIET_TICKS
                ? steadyDelay(fastTickMs, System.nanoTime(), core.nextIoDueNanos()) : fastTickMs);
    }

    /** Something happened: tick now and at the fast interval until the state settles again. */
    private void kick() {
        if (!kickQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            ticker.execute(() -> {
                kickQueued.set(false);
                quietTicks = 0;
                if (nextTick != null) {
                    nextTick.cancel(false);
                }
                tickAndReschedule();
            });
        } catch (RejectedExecutionException e) {
            kickQueued.set(false); // closing
        }
    }

    private void tick() {
        try {
            sampleWeight();
            core.tick();
            QuorumState now = core.state();
            QuorumState before = last;
            quietTicks = before != null && !changed(before, now) && now.quorate() && !now.settling()
                    ? quietTicks + 1 : 0;
            if (before == null || changed(before, now)) {
                last = now;
                if (before == null || before.quorate() != now.quorate() || before.settling() != now.settling()) {
                    if (now.quorate()) {
                        LOG.info("Quorum gained: {}", now.reason());
                    } else if (now.settling()) {
                        LOG.info("Quorum pending ({}): running groups are kept, nothing new starts", now.reason());
                    } else {
                        LOG.warn("Quorum lost ({}): applying no-quorum policy {}", now.reason(),
                                noQuorumPolicy());
                    }
                }
                for (QuorumListener l : listeners) {
                    try {
                        l.quorumChanged(before, now);
                    } catch (RuntimeException e) {
                        LOG.warn("Quorum listener {} failed: {}", l, e.toString());
                    }
                }
            }
            notifyConfig();
        } catch (RuntimeException e) {
            LOG.error("Cluster tick failed", e);
        }
    }

    private void sampleWeight() {
        try {
            weightSample = Math.max(0, tiebreakerWeight.getAsInt());
            weightProblem = null;
        } catch (RuntimeException e) {
            weightSample = 0;
            String problem = e.toString();
            if (!problem.equals(weightProblem)) {
                LOG.warn("Tiebreaker weight provider failed ({}); counting this node's weight as 0", problem);
            }
            weightProblem = problem;
        }
    }

    private void notifyConfig() {
        ClusterConfig c = core.config();
        if (c == lastConfig) {
            return;
        }
        lastConfig = c;
        for (Consumer<ClusterConfig> l : configListeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                LOG.warn("Configuration listener {} failed: {}", l, e.toString());
            }
        }
    }

    @Override
    public AutoCloseable addConfigListener(Consumer<ClusterConfig> listener) {
        configListeners.add(listener);
        return () -> configListeners.remove(listener);
    }

    /** Orders to other nodes' executors and their reports, over this node's channel. */
    public ClusterExecutionChannel executionChannel() {
        return execution;
    }

    /** The documents other bundles keep in the replicated configuration (the failover configuration). */
    public ReplicatedDocumentStore documents() {
        return documents;
    }

    /** The plug-in set on the replicated configuration, and every node's plug-in report. */
    public ReplicatedPlugins plugins() {
        return plugins;
    }

    public QuorumState state() {
        return core.state();
    }

    /** A change listeners are told about: quorum, settling, coordinator, epoch, members or votes (not the reason). */
    static boolean changed(QuorumState a, QuorumState b) {
        return a.quorate() != b.quorate() || a.settling() != b.settling() || !a.coordinator().equals(b.coordinator())
                || !a.epoch().equals(b.epoch())
                || !a.members().equals(b.members()) || a.votes() != b.votes() || a.expectedVotes() != b.expectedVotes();
    }

    /** The cluster-wide policy from the replicated configuration (seeded from the PID). */
    public NoQuorumPolicy noQuorumPolicy() {
        return core.config().policies().noQuorum();
    }

    /** Node modes from the replicated configuration (every configured node). */
    public Map<NodeId, NodeMode> nodeModes() {
        return core.config().nodeModes();
    }

    /** The tiebreaker's current state for ha:status (the disk lease holder), empty for stateless ones. */
    public String tiebreakerStatus() {
        return core.tiebreaker().status(System.nanoTime());
    }

    public ClusterCore core() {
        return core;
    }

    public NodeOptions options() {
        return options;
    }

    @Override
    public ClusterConfig config() {
        return core.config();
    }

    public ProposeResult propose(ClusterConfig candidate) {
        return core.propose(candidate);
    }

    @Override
    public ProposeResult propose(ClusterConfig candidate, long baseVersion) {
        return core.propose(candidate, baseVersion);
    }

    /**
     * The heartbeat declared {@code peer} dead on all its links: exclude it from the membership view now instead
     * of after the group's own failure detection (saves several hundred ms of every unplanned failover).
     */
    public void peerDead(NodeId peer, String reason) {
        if (peer.equals(core.self())) {
            return;
        }
        try {
            ticker.execute(() -> { // off the heartbeat's event thread, which must return quickly
                if (engine.suspect(peer)) {
                    LOG.info("{} is dead on every heartbeat link ({}): excluding it from the membership view now",
                            peer, reason);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    public AutoCloseable addListener(QuorumListener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    public void cutNetwork(boolean cut) {
        engine.cutNetwork(cut);
    }

    public Optional<NodeId> coordinator() {
        return core.state().coordinator();
    }

    public Set<NodeId> members() {
        return core.state().members();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (fenceRunner != null) {
            fenceRunner.shutdownNow();
        }
        execution.close();
        // still in the view: a lease held here goes to the peer first, or it would lose quorum over it
        core.tiebreaker().handOverBeforeLeaving();
        engine.close();
        core.tiebreaker().close();
    }
}
