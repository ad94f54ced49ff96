package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.quorum.Tiebreaker;

/**
 * A ping target (typically the default gateway): a lone node keeps quorum while it can reach the target.
 *
 * <p><b>Weak.</b> When the link between the two nodes breaks but both still reach the gateway, BOTH sides keep
 * quorum. Use it only where losing the peer almost always means losing the network too, and prefer the disk
 * lease or a witness. The simulation does not claim single-quorum safety for it.
 */
public final class PingTiebreaker implements Tiebreaker {

    /** How reachability is probed (injectable for tests). */
    @FunctionalInterface
    public interface Probe {
        boolean reachable() throws IOException;
    }

    private final String target;
    private final Probe probe;
    private final long intervalNanos;
    private long lastProbeAt;
    private boolean probed;
    private boolean lastResult;

    public PingTiebreaker(String target, Probe probe, Duration interval) {
        this.target = target;
        this.probe = probe;
        this.intervalNanos = interval.toNanos();
    }

    public static PingTiebreaker icmp(String host, Duration timeout, Duration interval) {
        return new PingTiebreaker(host, () -> InetAddress.getByName(host).isReachable((int) timeout.toMillis()),
                interval);
    }

    @Override
    public synchronized Verdict evaluate(Set<NodeId> partition, long now) {
        if (!probed || now - lastProbeAt >= intervalNanos) {
            probed = true;
            lastProbeAt = now;
            try {
                lastResult = probe.reachable();
            } catch (IOException e) {
                lastResult = false;
            }
        }
        return peek(partition, now);
    }

    @Override
    public synchronized Verdict peek(Set<NodeId> partition, long now) {
        if (partition.size() >= 2) {
            return Verdict.grant("both members present");
        }
        return lastResult ? Verdict.grant("ping target " + target + " reachable (weak tiebreaker)")
                : Verdict.deny("ping target " + target + " unreachable");
    }

    @Override
    public String describe() {
        return "ping " + target + " (weak: both sides may reach it)";
    }
}
