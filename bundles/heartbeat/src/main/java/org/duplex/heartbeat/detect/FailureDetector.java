package org.duplex.heartbeat.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;

/**
 * Decides link and peer states from "frame heard" reports and the passage of time; no I/O, no threads.
 *
 * <p>Per (peer, link): UP when heard within the warn time, LATE between warn and dead time, DOWN after the dead
 * time, UNKNOWN before anything was heard while the grace time lasts (the initial dead time after start, or the
 * dead time after a link was added). Per peer: ALIVE when heard on every link that is not UNKNOWN, SUSPECT when
 * heard on some and DOWN on others, DEAD only when every link is DOWN. The caller drives {@link #tick()} often
 * (a quarter of the shortest interval is plenty); the sink is called under the detector's lock, in event order,
 * and must only enqueue.
 */
public final class FailureDetector {

    /** Receives state changes. Called under the detector lock: enqueue, do not block. */
    public interface Sink {
        void linkChanged(LinkEvent event);

        void peerChanged(PeerEvent event);
    }

    private record LinkDef(String id, LinkKind kind, LinkTiming timing, long addedAt) {
    }

    private static final class Entry {
        final LinkDef def;
        final long graceUntil;
        LinkState state = LinkState.UNKNOWN;
        long lastHeard = Long.MIN_VALUE;
        Instant lastHeardWall;
        String stream;
        long incarnation;
        long lastSeq;
        long received;
        long lost;
        double latency;
        double jitter;
        long prevTransit;
        boolean havePrevTransit;

        Entry(LinkDef def, long graceUntil) {
            this.def = def;
            this.graceUntil = graceUntil;
        }
    }

    private static final class Peer {
        Liveness liveness = Liveness.UNKNOWN;
        boolean everHeard;
        final Map<String, Entry> links = new TreeMap<>();
    }

    private final DetectorClock clock;
    private final Sink sink;
    private final long initialDeadUntil;
    private final Map<String, LinkDef> links = new TreeMap<>();
    private final Map<NodeId, Peer> peers = new TreeMap<>();

    public FailureDetector(DetectorClock clock, Duration initialDead, Sink sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.initialDeadUntil = clock.monotonicMillis() + initialDead.toMillis();
    }

    public synchronized void addPeer(NodeId peer) {
        peers.computeIfAbsent(peer, p -> new Peer());
    }

    /** Adds a link, or replaces one with the same id (its pairs start over, with a fresh grace time). */
    public synchronized void addLink(String linkId, LinkKind kind, LinkTiming timing, Collection<NodeId> linkPeers) {
        // A replaced link's pairs are dropped without re-evaluating the peers in between, so that reconfiguring
        // a link never flashes a peer DEAD; its new pairs start UNKNOWN with a fresh grace time.
        boolean replacing = links.remove(linkId) != null;
        if (replacing) {
            peers.values().forEach(p -> p.links.remove(linkId));
        }
        long now = clock.monotonicMillis();
        LinkDef def = new LinkDef(linkId, kind, timing, now);
        links.put(linkId, def);
        long grace = Math.max(initialDeadUntil, now + timing.dead().toMillis());
        for (NodeId p : linkPeers) {
            peers.computeIfAbsent(p, x -> new Peer()).links.put(linkId, new Entry(def, grace));
        }
        if (replacing) {
            peers.forEach((id, p) -> reevaluate(id, p, "link reconfigured: " + linkId));
        }
    }

    public synchronized void removeLink(String linkId) {
        if (links.remove(linkId) == null) {
            return;
        }
        for (Map.Entry<NodeId, Peer> e : peers.entrySet()) {
            if (e.getValue().links.remove(linkId) != null) {
                reevaluate(e.getKey(), e.getValue(), "link removed: " + linkId);
            }
        }
    }

    /**
     * A valid, fresh frame from {@code peer} arrived on {@code linkId}. Returns false when that pair is not
     * configured (the caller counts the frame as from an unknown sender).
     */
    public synchronized boolean heard(NodeId peer, String linkId, String stream, long incarnation, long sequence,
            long sendTimeMillis) {
        Peer p = peers.get(peer);
        Entry e = p == null ? null : p.links.get(linkId);
        if (e == null) {
            return false;
        }
        long now = clock.monotonicMillis();
        Instant wall = clock.now();
        updateStats(e, stream, incarnation, sequence, wall.toEpochMilli() - sendTimeMillis);
        e.lastHeard = now;
        e.lastHeardWall = wall;
        p.everHeard = true;
        if (e.state != LinkState.UP) {
            setLink(peer, e, LinkState.UP, "frame received");
            reevaluate(peer, p, "frame received on " + linkId);
        }
        return true;
    }

    private static void updateStats(Entry e, String stream, long incarnation, long seq, long transit) {
        if (!stream.equals(e.stream) || incarnation != e.incarnation) {
            e.stream = stream;
            e.incarnation = incarnation;
            e.received = 0;
            e.lost = 0;
            e.havePrevTransit = false;
        } else {
            long gap = seq - e.lastSeq - 1;
            if (gap > 0 && gap < 1_000_000) {
                e.lost += gap;
            }
        }
        e.lastSeq = seq;
        e.received++;
        e.latency = transit;
        if (e.havePrevTransit) {
            long d = Math.abs(transit - e.prevTransit);
            e.jitter += (d - e.jitter) / 16.0;
        }
        e.prevTransit = transit;
        e.havePrevTransit = true;
    }

    /** Moves every pair and peer forward to the current time. */
    public synchronized void tick() {
        long now = clock.monotonicMillis();
        for (Map.Entry<NodeId, Peer> pe : peers.entrySet()) {
            boolean changed = false;
            for (Entry e : pe.getValue().links.values()) {
                LinkState next;
                long silent = now - e.lastHeard;
                if (e.lastHeard == Long.MIN_VALUE) {
                    next = now >= e.graceUntil ? LinkState.DOWN : LinkState.UNKNOWN;
                } else {
                    LinkTiming t = e.def.timing();
                    next = silent >= t.dead().toMillis() ? LinkState.DOWN
                            : silent >= t.warn().toMillis() ? LinkState.LATE : LinkState.UP;
                }
                if (next != e.state) {
                    // The reason is only built on a change: tick() runs 20 times a second for every pair.
                    setLink(pe.getKey(), e, next, e.lastHeard == Long.MIN_VALUE
                            ? "nothing heard within the initial dead time" : "no frame for " + silent + " ms");
                    changed = true;
                }
            }
            if (changed) {
                reevaluate(pe.getKey(), pe.getValue(), "link state changed");
            }
        }
    }

    /**
     * The monotonic time (ms) at which {@link #tick()} would next change a state if no frame arrived before it:
     * an UP pair turning LATE, a LATE one DOWN, a grace time running out. {@link Long#MAX_VALUE} when only a frame
     * can change anything. Lets the caller sleep until then instead of polling.
     */
    public synchronized long nextChangeAt() {
        long next = Long.MAX_VALUE;
        for (Peer p : peers.values()) {
            for (Entry e : p.links.values()) {
                LinkTiming t = e.def.timing();
                long at;
                if (e.lastHeard == Long.MIN_VALUE) {
                    at = e.state == LinkState.DOWN ? Long.MAX_VALUE : e.graceUntil;
                } else {
                    at = switch (e.state) {
                        case UP -> e.lastHeard + t.warn().toMillis();
                        case LATE -> e.lastHeard + t.dead().toMillis();
                        default -> Long.MAX_VALUE;
                    };
                }
                next = Math.min(next, at);
            }
        }
        return next;
    }

    private void setLink(NodeId peer, Entry e, LinkState state, String reason) {
        e.state = state;
        sink.linkChanged(new LinkEvent(peer, e.def.id(), state, clock.now(), reason));
    }

    private void reevaluate(NodeId peer, Peer p, String trigger) {
        List<String> heard = new ArrayList<>();
        List<String> down = new ArrayList<>();
        int unknown = 0;
        for (Entry e : p.links.values()) {
            switch (e.state) {
                case UP, LATE -> heard.add(e.def.id());
                case DOWN -> down.add(e.def.id());
                default -> unknown++;
            }
        }
        Liveness next;
        String reason;
        if (p.links.isEmpty()) {
            next = Liveness.UNKNOWN;
            reason = "no heartbeat link configured towards " + peer + " (" + trigger + ")";
        } else if (!heard.isEmpty()) {
            next = down.isEmpty() ? Liveness.ALIVE : Liveness.SUSPECT;
            reason = down.isEmpty() ? "heard on " + String.join(", ", heard)
                    : "heard on " + String.join(", ", heard) + "; silent on " + String.join(", ", down);
        } else if (unknown == 0) {
            next = Liveness.DEAD;
            reason = "silent on all " + down.size() + " link(s) (" + String.join(", ", down)
                    + ") for their dead time";
        } else {
            next = p.everHeard ? Liveness.SUSPECT : Liveness.UNKNOWN;
            reason = "silent on " + (down.isEmpty() ? "no link yet" : String.join(", ", down)) + "; " + unknown
                    + " link(s) not heard yet";
        }
        if (next != p.liveness) {
            p.liveness = next;
            sink.peerChanged(new PeerEvent(peer, next, clock.now(), reason));
        }
    }

    public synchronized Liveness liveness(NodeId peer) {
        Peer p = peers.get(peer);
        return p == null ? Liveness.UNKNOWN : p.liveness;
    }

    public synchronized LinkState linkState(NodeId peer, String linkId) {
        Peer p = peers.get(peer);
        Entry e = p == null ? null : p.links.get(linkId);
        return e == null ? LinkState.UNKNOWN : e.state;
    }

    /** This node's view of every (link, peer) pair, keyed "link/peer", for the status payload. */
    public synchronized Map<String, LinkState> linkStates() {
        Map<String, LinkState> out = new TreeMap<>();
        peers.forEach((id, p) -> p.links.forEach((link, e) -> out.put(link + "/" + id, e.state)));
        return out;
    }

    public synchronized List<PeerStatus> snapshot() {
        List<PeerStatus> out = new ArrayList<>();
        peers.forEach((id, p) -> out.add(new PeerStatus(id, p.liveness, p.links.values().stream()
                .map(e -> new LinkStatus(e.def.id(), e.def.kind(), e.state, Optional.ofNullable(e.lastHeardWall)))
                .collect(Collectors.toList()))));
        return out;
    }

    public synchronized List<LinkStats> stats() {
        List<LinkStats> out = new ArrayList<>();
        peers.forEach((id, p) -> p.links.values().forEach(e -> {
            long total = e.received + e.lost;
            out.add(new LinkStats(id, e.def.id(), e.def.kind(), e.state, Optional.ofNullable(e.lastHeardWall),
                    e.received, e.lost, total == 0 ? 0 : 100.0 * e.lost / total, e.latency, e.jitter));
        }));
        return out;
    }
}
