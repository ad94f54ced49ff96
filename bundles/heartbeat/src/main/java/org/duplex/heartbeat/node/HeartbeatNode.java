package org.duplex.heartbeat.node;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.liveness.PeerReport;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.DetectorClock;
import org.duplex.heartbeat.detect.FailureDetector;
import org.duplex.heartbeat.detect.LinkStats;
import org.duplex.heartbeat.frame.ClusterKey;
import org.duplex.heartbeat.frame.DecodeResult;
import org.duplex.heartbeat.frame.Frame;
import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RateLimitedLog;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.frame.ReplayGuard;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.duplex.heartbeat.status.NodeStatus;
import org.duplex.heartbeat.status.StatusCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's heartbeat: its links, the frames it sends on each, the frames it accepts, and the failure detector.
 * Plain Java: the DS components only create it and feed it configurations.
 *
 * <p>Threads: one sender thread per link (a stuck disk or serial port delays only its own link), the links' own
 * receiver threads, one housekeeping thread for detector ticks and link restarts, one event thread that calls the
 * listener in event order.
 */
public final class HeartbeatNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatNode.class);
    private static final long RETRY_MS = 5000;

    /** A configured link: started, or waiting to be retried with the reason it is not running. */
    public record LinkView(LinkConfig config, boolean running, String detail, long sent, long rejected) {
    }

    private final NodeSettings settings;
    private final DetectorClock clock;
    private final PeerLivenessListener listener;
    private final Supplier<NodeStatus> baseStatus;
    private final LinkFactory factory;
    private final FailureDetector detector;
    private final ReplayGuard guard = new ReplayGuard(1024);
    private final RejectionCounters rejections = new RejectionCounters(256);
    private final RateLimitedLog rejectLog = new RateLimitedLog(LOG, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private final Map<NodeId, PeerReport> reports = new ConcurrentHashMap<>();
    /** Per peer, its last status payload and what it decoded to (see {@link #decodedStatus}). */
    private final Map<NodeId, DecodedStatus> lastStatus = new ConcurrentHashMap<>();
    private final Map<String, Handle> links = new TreeMap<>();
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;
    private final ExecutorService events;
    private volatile FrameCodec codec;
    private volatile boolean closed;

    private final class Handle implements LinkContext {
        final LinkConfig config;
        final Set<NodeId> peers;
        final Map<String, NodeId> peerIds = new HashMap<>();
        final AtomicLong sequence;
        final AtomicLong sent = new AtomicLong();
        volatile Link link;
        volatile String error = "starting";
        ScheduledExecutorService sender;

        Handle(LinkConfig config) {
            this.config = config;
            this.peers = Set.copyOf(config.peerIds(settings.self()));
            peers.forEach(p -> peerIds.put(p.value(), p));
            // A link removed and added again continues its stream's sequence, or peers would see replays.
            this.sequence = sequences.computeIfAbsent(config.name(), n -> new AtomicLong());
        }

        @Override
        public void received(byte[] data, int offset, int length, String source) {
            onFrame(this, data, offset, length, source, null);
        }

        @Override
        public void received(byte[] data, int offset, int length, String source, String expectedSender) {
            onFrame(this, data, offset, length, source, expectedSender);
        }

        @Override
        public void rejected(RejectReason reason, String source, String detail) {
            reject(this, source, reason, detail);
        }
    }

    public HeartbeatNode(NodeSettings settings, DetectorClock clock, PeerLivenessListener listener,
            Supplier<NodeStatus> baseStatus, LinkFactory factory) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.baseStatus = baseStatus;
        this.factory = factory;
        this.events = Executors.newSingleThreadExecutor(daemon("duplex-hb-events-" + settings.self()));
        this.detector = new FailureDetector(clock, settings.initialDead(), new FailureDetector.Sink() {
            @Override
            public void linkChanged(LinkEvent e) {
                events.execute(() -> deliver(e));
            }

            @Override
            public void peerChanged(PeerEvent e) {
                events.execute(() -> deliver(e));
            }
        });
        settings.peers().stream().filter(p -> !p.equals(settings.self())).forEach(detector::addPeer);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("duplex-hb-detector-" + settings.self()));
        housekeeping.execute(this::tickAndReschedule);
        housekeeping.scheduleWithFixedDelay(this::retryStopped, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
        LOG.info("heartbeat of node {} in cluster {} started (incarnation {}, initial dead time {} ms)",
                settings.self(), settings.cluster(), settings.incarnation(), settings.initialDead().toMillis());
    }

    public NodeSettings settings() {
        return settings;
    }

    private void tick() {
        try {
            detector.tick();
        } catch (RuntimeException e) {
            LOG.error("heartbeat detector tick failed", e);
        }
    }

    /**
     * Ticks, then sleeps until the detector's next possible change (a pair turning LATE or DOWN) instead of polling
     * every {@code tick}: exact to the millisecond, and an idle pair wakes about once per frame interval instead of
     * twenty times a second. Bounded by max(tick, 250 ms) so a link added meanwhile is looked at soon enough.
     */
    private void tickAndReschedule() {
        tick();
        long cap = Math.max(Math.max(5, settings.tick().toMillis()), 250);
        long next = detector.nextChangeAt();
        long delay = next == Long.MAX_VALUE ? cap : Math.max(1, Math.min(cap, next - clock.monotonicMillis()));
        try {
            housekeeping.schedule(this::tickAndReschedule, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void deliver(LinkEvent e) {
        if (e.state() == LinkState.DOWN || e.state() == LinkState.LATE) {
            LOG.warn("heartbeat link {} to {} is {}: {}", e.linkId(), e.peer(), e.state(), e.reason());
        } else {
            LOG.info("heartbeat link {} to {} is {}: {}", e.linkId(), e.peer(), e.state(), e.reason());
        }
        try {
            listener.linkChanged(e);
        } catch (RuntimeException ex) {
            LOG.error("liveness listener failed on {}", e, ex);
        }
    }

    private void deliver(PeerEvent e) {
        if (e.liveness() == Liveness.DEAD || e.liveness() == Liveness.SUSPECT) {
            LOG.warn("peer {} is {}: {}", e.peer(), e.liveness(), e.reason());
        } else {
            LOG.info("peer {} is {}: {}", e.peer(), e.liveness(), e.reason());
        }
        try {
            listener.peerChanged(e);
        } catch (RuntimeException ex) {
            LOG.error("liveness listener failed on {}", e, ex);
        }
    }

    /** Adds a link, or replaces the one with the same name. A link that cannot start now is retried every 5 s. */
    public synchronized void addLink(LinkConfig config) {
        if (closed) {
            throw new IllegalStateException("heartbeat node is closed");
        }
        Handle old = links.remove(config.name());
        if (old != null) {
            stop(old); // the detector replaces the link's pairs below, without a DEAD flash in between
            LOG.info("heartbeat link {} reconfigured", config.name());
        }
        Handle h = new Handle(config);
        links.put(config.name(), h);
        detector.addLink(config.name(), config.type(), config.timing(), h.peers);
        start(h);
    }

    public synchronized void removeLink(String name) {
        Handle h = links.remove(name);
        if (h == null) {
            return;
        }
        stop(h);
        detector.removeLink(name);
        LOG.info("heartbeat link {} removed", name);
    }

    private void start(Handle h) {
        Link link = null;
        try {
            FrameCodec c = codec();
            link = factory.create(h.config, settings.self(), settings.cluster());
            link.start(h);
            h.link = link;
            h.error = "";
            h.sender = Executors.newSingleThreadScheduledExecutor(daemon("duplex-hb-send-" + h.config.name()));
            long interval = h.config.timing().interval().toMillis();
            h.sender.scheduleAtFixedRate(() -> sendOne(h, c), 0, interval, TimeUnit.MILLISECONDS);
            LOG.info("heartbeat link {} ({}) started: {}", h.config.name(), h.config.type(), link.describe());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (link != null) {
                link.close();
            }
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!why.equals(h.error)) {
                LOG.error("heartbeat link {} ({}) not started: {}; retrying every {} s", h.config.name(),
                        h.config.type(), why, RETRY_MS / 1000);
            }
            h.error = why;
        }
    }

    private void stop(Handle h) {
        if (h.sender != null) {
            h.sender.shutdownNow();
            try {
                h.sender.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (h.link != null) {
            h.link.close();
        }
    }

    private synchronized void retryStopped() {
        for (Handle h : links.values()) {
            if (h.link == null && !closed) {
                start(h);
            }
        }
    }

    private FrameCodec codec() throws IOException, GeneralSecurityException {
        FrameCodec c = codec;
        if (c == null) {
            if (ClusterKey.tooOpen(settings.keyFile())) {
                LOG.warn("cluster key file {} is readable by group or others: chmod 600 it", settings.keyFile());
            }
            c = new FrameCodec(settings.cluster(), ClusterKey.load(settings.keyFile()));
            codec = c;
        }
        return c;
    }

    private void sendOne(Handle h, FrameCodec c) {
        try {
            NodeStatus base = baseStatus.get();
            boolean compact = h.config.type().isOutOfBand();
            byte[] payload;
            if (compact) {
                payload = StatusCodec.encodeCompact(base.compact());
            } else {
                Map<String, LinkState> view = detector.linkStates();
                payload = StatusCodec.encodeFull(new NodeStatus(base.load1(), base.memoryUsedPercent(),
                        base.diskUsedPercent(), view), FrameCodec.MAX_PAYLOAD);
            }
            Frame f = new Frame(settings.cluster(), settings.self().value(), h.config.name(), settings.incarnation(),
                    h.sequence.incrementAndGet(), clock.now().toEpochMilli(),
                    compact ? Frame.PayloadType.COMPACT_STATUS : Frame.PayloadType.FULL_STATUS, payload);
            h.link.send(c.encode(f));
            h.sent.incrementAndGet();
        } catch (RuntimeException e) {
            rejectLog.warn("send:" + h.config.name(), "heartbeat link " + h.config.name() + ": send failed: " + e);
        }
    }

    private void onFrame(Handle h, byte[] data, int offset, int length, String source, String expectedSender) {
        FrameCodec c = codec;
        if (c == null) {
            return;
        }
        DecodeResult r = c.decode(data, offset, length);
        if (r instanceof DecodeResult.Rejected rj) {
            reject(h, source, rj.reason(), rj.detail());
            return;
        }
        Frame f = ((DecodeResult.Accepted) r).frame();
        if (f.sender().equals(settings.self().value())) {
            return; // our own frame looped back (multicast, our own disk slot)
        }
        if (expectedSender != null && !expectedSender.equals(f.sender())) {
            reject(h, source, RejectReason.UNKNOWN_SENDER, "slot of '" + expectedSender + "' holds a frame of '"
                    + f.sender() + "'");
            return;
        }
        NodeId sender = h.peerIds.get(f.sender());
        if (sender == null) {
            reject(h, source, RejectReason.UNKNOWN_SENDER, "node '" + f.sender() + "' is not a peer of this link");
            return;
        }
        Optional<DecodeResult.Rejected> replay = guard.check(f);
        if (replay.isPresent()) {
            reject(h, source, replay.get().reason(), replay.get().detail());
            return;
        }
        // The report first: whoever sees the peer ALIVE may ask for it at once.
        decodedStatus(sender, f.payload()).ifPresent(s -> reports.put(sender, new PeerReport(sender, clock.now(),
                h.config.name(), s.status().load1(), s.status().memoryUsedPercent(), s.status().diskUsedPercent(),
                s.links())));
        detector.heard(sender, h.config.name(), f.stream(), f.incarnation(), f.sequence(), f.sendTimeMillis());
    }

    /** A peer's last status payload, decoded, with its link map in the immutable form reports keep. */
    private record DecodedStatus(byte[] payload, NodeStatus status, Map<String, LinkState> links) {
    }

    /**
     * Decodes a status payload, or reuses the last decoding when the peer sent the same bytes again (nearly every
     * frame: the status changes every few seconds). Each frame of a full status carries every link state of its
     * sender, so at 32 nodes decoding and copying it on all 310 frames a second was the largest part of an idle
     * node's CPU.
     */
    private Optional<DecodedStatus> decodedStatus(NodeId sender, byte[] payload) {
        DecodedStatus last = lastStatus.get(sender);
        if (last != null && Arrays.equals(last.payload(), payload)) {
            return Optional.of(last);
        }
        Optional<DecodedStatus> d = StatusCodec.decode(payload)
                .map(s -> new DecodedStatus(payload, s, Map.copyOf(s.links())));
        d.ifPresent(x -> lastStatus.put(sender, x));
        return d;
    }

    private void reject(Handle h, String source, RejectReason reason, String detail) {
        rejections.count(h.config.name(), source, reason);
        rejectLog.warn(reason + "|" + h.config.name() + "|" + source, "heartbeat link " + h.config.name()
                + ": rejected frame from " + source + ": " + reason.label() + " (" + detail + ")" + hint(reason));
    }

    private static String hint(RejectReason r) {
        return switch (r) {
            case BAD_HMAC -> " - do all nodes use the same cluster key file?";
            case WRONG_CLUSTER -> " - another cluster heartbeats on this network or device";
            case UNKNOWN_SENDER -> " - add the node to this link's peers if it belongs to the cluster";
            case REPLAY, OLD_INCARNATION -> " - duplicated, delayed or replayed frame";
            default -> "";
        };
    }

    public List<PeerStatus> peers() {
        return detector.snapshot();
    }

    public Liveness liveness(NodeId peer) {
        return detector.liveness(peer);
    }

    public LinkState linkState(NodeId peer, String link) {
        return detector.linkState(peer, link);
    }

    public Optional<PeerReport> lastReport(NodeId peer) {
        return Optional.ofNullable(reports.get(peer));
    }

    public List<LinkStats> stats() {
        return detector.stats();
    }

    public RejectionCounters rejections() {
        return rejections;
    }

    public synchronized List<LinkView> links() {
        List<LinkView> out = new ArrayList<>();
        for (Handle h : links.values()) {
            Link l = h.link;
            out.add(new LinkView(h.config, l != null, l != null ? l.describe() : "NOT RUNNING: " + h.error,
                    h.sent.get(), rejections.totalForLink(h.config.name())));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        housekeeping.shutdownNow();
        for (Handle h : links.values()) {
            stop(h);
        }
        links.clear();
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("heartbeat of node {} stopped", settings.self());
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
