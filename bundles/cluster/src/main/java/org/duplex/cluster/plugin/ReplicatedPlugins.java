package org.duplex.cluster.plugin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.api.plugin.PluginState;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.core.Outbox;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.documents.ReplicatedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterPlugins} on the replicated cluster configuration ({@link ClusterConfig#plugins()}) and the
 * cluster's messaging ({@link ClusterMessage.PluginReport}). Reports are facts about a node, not configuration:
 * they need no quorum, are kept only for members of the current view, and a node repeats its own when a member
 * joins, so a node that (re)joins learns everybody's state and everybody learns its own.
 */
public final class ReplicatedPlugins implements ClusterPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedPlugins.class);

    private final NodeId self;
    private final ReplicatedConfig cluster;
    private final Supplier<MembershipView> view;
    private final Outbox outbox;
    private final Duration commitTimeout;
    private final Map<NodeId, NodePlugins> reports = new ConcurrentHashMap<>();
    private volatile NodePlugins own;
    private volatile Set<NodeId> lastMembers = Set.of();

    public ReplicatedPlugins(NodeId self, ReplicatedConfig cluster, Supplier<MembershipView> view, Outbox outbox,
                             Duration commitTimeout) {
        this.self = self;
        this.cluster = cluster;
        this.view = view;
        this.outbox = outbox;
        this.commitTimeout = commitTimeout;
    }

    static PluginSet of(ClusterConfig c) {
        return new PluginSet(c.version(), new TreeSet<>(c.plugins()));
    }

    @Override
    public PluginSet wanted() {
        return of(cluster.config());
    }

    @Override
    public PluginSet save(PluginSet expected, Set<String> names) throws IOException {
        List<String> bad = names.stream().filter(n -> !PluginSet.isPluginName(n)).sorted().toList();
        if (!bad.isEmpty()) {
            throw new IOException("not plug-in feature names: " + bad + " (plug-ins are features named "
                    + PluginSet.PREFIX + "NAME)");
        }
        ClusterConfig base = cluster.config();
        if (!of(base).names().equals(expected.names())) {
            throw new IOException("the plug-in set changed meanwhile (now " + of(base).names()
                    + " at configuration version " + base.version() + "); retry");
        }
        ClusterConfig candidate = base.withPlugins(new ArrayList<>(names));
        if (candidate.sameContentAs(base)) {
            return of(base);
        }
        List<String> problems = ConfigValidator.problems(candidate);
        if (!problems.isEmpty()) {
            throw new IOException("the cluster configuration would be invalid: " + String.join("; ", problems));
        }
        ProposeResult r = cluster.propose(candidate, base.version());
        switch (r.status()) {
            case REJECTED:
                throw new IOException("the cluster refused the change: " + r.message());
            case APPLIED:
                return wanted();
            default:
                return awaitCommit(base.version(), candidate);
        }
    }

    private PluginSet awaitCommit(long baseVersion, ClusterConfig candidate) throws IOException {
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            ClusterConfig now = cluster.config();
            if (now.version() > baseVersion) {
                if (now.plugins().equals(candidate.plugins())) {
                    return of(now);
                }
                throw new IOException("another change (version " + now.version() + ") was committed first and the "
                        + "plug-in set is now " + now.plugins() + "; retry");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the coordinator's commit", e);
            }
        }
        throw new IOException("forwarded to the coordinator but not committed within " + commitTimeout.toMillis()
                + " ms (coordinator changing, or the change was refused: see the coordinator's log)");
    }

    @Override
    public AutoCloseable addListener(Consumer<PluginSet> listener) {
        AtomicReference<Long> seen = new AtomicReference<>(cluster.config().version());
        return cluster.addConfigListener(c -> {
            if (c.version() > seen.getAndSet(Math.max(seen.get(), c.version()))) {
                listener.accept(of(c));
            }
        });
    }

    @Override
    public void publish(NodePlugins report) {
        if (!report.node().equals(self)) {
            throw new IllegalArgumentException("a node publishes its own report, not " + report.node() + "'s");
        }
        own = report;
        reports.put(self, report);
        send(report);
    }

    private void send(NodePlugins r) {
        List<ClusterMessage.PluginReport.Entry> entries = new ArrayList<>();
        for (PluginState s : r.plugins().values()) {
            entries.add(new ClusterMessage.PluginReport.Entry(s.name(), s.status().name(), s.detail()));
        }
        outbox.send(Optional.empty(), new ClusterMessage.PluginReport(self, view.get().id(), r.applied(), entries,
                r.at().toEpochMilli()));
    }

    @Override
    public Map<NodeId, NodePlugins> reports() {
        Set<NodeId> members = Set.copyOf(view.get().members());
        Map<NodeId, NodePlugins> m = new LinkedHashMap<>();
        reports.forEach((n, r) -> {
            if (n.equals(self) || members.contains(n)) {
                m.put(n, r);
            }
        });
        return m;
    }

    /** Handles plug-in reports; returns false for any other message. */
    public boolean onMessage(ClusterMessage m) {
        if (!(m instanceof ClusterMessage.PluginReport p)) {
            return false;
        }
        if (p.from().equals(self)) {
            return true; // our own broadcast coming back; the local copy is already current
        }
        Optional<NodePlugins> r = parse(p);
        if (r.isEmpty()) {
            LOG.warn("Dropped a malformed plug-in report from {}", p.from());
        } else {
            reports.put(p.from(), r.get());
        }
        return true;
    }

    /** Total: a report that does not parse is empty. */
    static Optional<NodePlugins> parse(ClusterMessage.PluginReport p) {
        try {
            Map<String, PluginState> states = new LinkedHashMap<>();
            for (ClusterMessage.PluginReport.Entry e : p.plugins() == null
                    ? List.<ClusterMessage.PluginReport.Entry>of() : p.plugins()) {
                states.put(e.name(), new PluginState(e.name(), PluginState.Status.valueOf(e.status()), e.detail()));
            }
            return Optional.of(new NodePlugins(p.from(), p.applied(), states, Instant.ofEpochMilli(p.atMillis())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A new view: forget nodes that left it; tell members that just joined what this node has. */
    public void onView(MembershipView v) {
        Set<NodeId> members = Set.copyOf(v.members());
        reports.keySet().removeIf(n -> !n.equals(self) && !members.contains(n));
        boolean joined = members.stream().anyMatch(n -> !n.equals(self) && !lastMembers.contains(n));
        lastMembers = members;
        NodePlugins mine = own;
        if (joined && mine != null) {
            send(mine);
        }
    }
}
