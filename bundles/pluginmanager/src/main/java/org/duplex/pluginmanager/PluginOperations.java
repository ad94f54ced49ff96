package org.duplex.pluginmanager;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.ClusterPlugins;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.api.plugin.PluginState;
import org.duplex.api.plugin.PluginState.Status;

/**
 * The logic behind ha:plugin-install, ha:plugin-remove and ha:plugin-list, testable without a shell: check the
 * name, change the cluster's set (quorum needed), then wait (bounded) for every node's report and print one line
 * per node. Errors are thrown as {@link PluginException} with operator-ready text.
 */
public final class PluginOperations {

    /** The outcome on one node. */
    public enum Outcome { OK, FAILED, UNREACHABLE, NO_ANSWER }

    public record NodeLine(NodeId node, Outcome outcome, String state, String detail) {
    }

    /** The table, whether every node did it, and a one-line summary naming the nodes that did not. */
    public record Result(String text, boolean allOk, String summary, long version, List<NodeLine> lines) {
    }

    public static final class PluginException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Why: a name that is no plug-in, a plug-in not there, or refused by the cluster in its state. */
        public enum Kind { INVALID, UNKNOWN, REFUSED }

        private final Kind kind;

        public PluginException(String message) {
            this(Kind.REFUSED, message);
        }

        public PluginException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    private final ClusterPlugins plugins;
    private final ClusterService cluster;
    private final Features features;
    private final LongSupplier nanos;
    private final Sleeper sleeper;

    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    public PluginOperations(ClusterPlugins plugins, ClusterService cluster, Features features, LongSupplier nanos,
                            Sleeper sleeper) {
        this.plugins = plugins;
        this.cluster = cluster;
        this.features = features;
        this.nanos = nanos;
        this.sleeper = sleeper;
    }

    public Result install(String name, Duration timeout) throws PluginException, InterruptedException {
        checkName(name);
        Set<String> available = available();
        if (!available.contains(name)) {
            throw new PluginException(PluginException.Kind.UNKNOWN, "unknown plug-in '" + name + "': no such feature in this node's feature "
                    + "repositories (available: " + (available.isEmpty() ? "none" : String.join(", ", available))
                    + ")");
        }
        PluginSet before = plugins.wanted();
        Set<String> after = new TreeSet<>(before.names());
        after.add(name);
        PluginSet committed = change(before, after, name, "install");
        String head = before.names().contains(name)
                ? name + " was already in the cluster's plug-in set (configuration version " + committed.version()
                + "); each node's state:"
                : "Installing " + name + " on every node (cluster plug-in set, configuration version "
                + committed.version() + "):";
        return await(head, name, committed.version(), true, timeout);
    }

    public Result remove(String name, Duration timeout) throws PluginException, InterruptedException {
        checkName(name);
        PluginSet before = plugins.wanted();
        if (!before.names().contains(name)) {
            throw new PluginException(PluginException.Kind.UNKNOWN, "'" + name + "' is not in the cluster's plug-in set (" + describe(before)
                    + "); a plug-in installed by hand on one node is removed there with feature:uninstall " + name);
        }
        Set<String> after = new TreeSet<>(before.names());
        after.remove(name);
        PluginSet committed = change(before, after, name, "remove");
        return await("Removing " + name + " from every node (cluster plug-in set, configuration version "
                + committed.version() + "):", name, committed.version(), false, timeout);
    }

    /** One plug-in on one node, as {@link #overview()} lists it. */
    public record StateLine(String plugin, NodeId node, String state, boolean ok, String detail) {
    }

    /**
     * {@code ha:plugin-list} as values: the set, the state of every plug-in of the set on every configured node and of
     * every other plug-in a node reported (not where it is absent), and what this node could add to the set.
     */
    public record Overview(PluginSet set, List<StateLine> states, Set<String> available, String availableProblem) {
    }

    public Overview overview() {
        PluginSet set = plugins.wanted();
        QuorumState q = cluster.state();
        Map<NodeId, NodePlugins> reports = plugins.reports();
        List<StateLine> states = new ArrayList<>();
        Set<String> names = new TreeSet<>(set.names());
        reports.values().forEach(r -> names.addAll(r.plugins().keySet()));
        for (String name : names) {
            boolean wanted = set.names().contains(name);
            for (NodeId node : nodes(q)) {
                NodePlugins r = reports.get(node);
                String state;
                String detail;
                boolean ok = false;
                if (!q.members().contains(node) && !node.equals(q.localNode())) {
                    state = "UNREACHABLE";
                    detail = "not in the cluster view";
                } else if (r == null) {
                    state = "UNKNOWN";
                    detail = "no report yet";
                } else {
                    PluginState s = r.state(name);
                    state = word(s.status());
                    boolean catchingUp = r.applied() < set.version() && wanted && s.status() != Status.INSTALLED;
                    detail = s.detail() + (catchingUp
                            ? (s.detail().isEmpty() ? "" : "; ") + "working on version " + set.version() : "");
                    ok = !catchingUp && (wanted ? s.status() == Status.INSTALLED : s.status() == Status.ABSENT);
                }
                if (!wanted && "absent".equals(state)) {
                    continue;
                }
                states.add(new StateLine(name, node, state, ok, detail));
            }
        }
        Set<String> available = new TreeSet<>();
        String problem = "";
        try {
            available = available();
            available.removeAll(set.names());
        } catch (PluginException e) {
            problem = e.getMessage();
        }
        return new Overview(set, states, available, problem);
    }

    /** The set, then every node's state of every plug-in it reported, then what this node could install. */
    public String list() {
        Overview o = overview();
        PluginSet set = o.set();
        StringBuilder out = new StringBuilder();
        out.append("Cluster plug-in set (configuration version ").append(set.version()).append("): ")
                .append(set.names().isEmpty() ? "empty" : String.join(", ", set.names())).append('\n');
        out.append(String.format("%n%-28s %-16s %-12s %s%n", "PLUG-IN", "NODE", "STATE", "DETAIL"));
        for (StateLine l : o.states()) {
            out.append(String.format("%-28s %-16s %-12s %s", l.plugin(), l.node(), l.state(), l.detail())
                    .stripTrailing()).append('\n');
        }
        if (o.availableProblem().isEmpty()) {
            out.append("\nAvailable here, not in the set: ")
                    .append(o.available().isEmpty() ? "none" : String.join(", ", o.available())).append('\n');
        } else {
            out.append('\n').append(o.availableProblem()).append('\n');
        }
        return out.toString();
    }

    private static String describe(PluginSet s) {
        return s.names().isEmpty() ? "it is empty" : "it has " + String.join(", ", s.names());
    }

    private static void checkName(String name) throws PluginException {
        if (name == null || name.isBlank()) {
            throw new PluginException(PluginException.Kind.INVALID, "name a plug-in feature, e.g. duplex-plugin-ping (ha:plugin-list shows them)");
        }
        if (!PluginSet.isPluginName(name)) {
            throw new PluginException(PluginException.Kind.INVALID, "'" + name + "' is not a plug-in: plug-in features are named "
                    + PluginSet.PREFIX + "NAME (core features such as duplex-mirror are installed with "
                    + "feature:install on each node)");
        }
    }

    private Set<String> available() throws PluginException {
        try {
            return new TreeSet<>(features.availablePlugins());
        } catch (Exception e) {
            throw new PluginException("cannot read this node's feature repositories: " + PluginReconciler.why(e));
        }
    }

    private PluginSet change(PluginSet before, Set<String> after, String name, String verb) throws PluginException {
        QuorumState q = cluster.state();
        if (!q.quorate()) {
            throw new PluginException("cannot " + verb + " " + name + ": no quorum (" + q.reason() + "). The plug-in "
                    + "set is replicated configuration and changes only in a quorate partition; nothing changed");
        }
        try {
            return plugins.save(before, after);
        } catch (IOException e) {
            throw new PluginException("cannot " + verb + " " + name + ": " + e.getMessage());
        }
    }

    /** Waits until every node in the view reported {@code version} or later with a final state for {@code name}. */
    private Result await(String head, String name, long version, boolean install, Duration timeout)
            throws InterruptedException {
        long deadline = nanos.getAsLong() + timeout.toNanos();
        List<NodeLine> lines;
        while (true) {
            lines = lines(name, version, install, false, timeout);
            boolean pending = lines.stream().anyMatch(l -> l.outcome() == Outcome.NO_ANSWER);
            if (!pending || nanos.getAsLong() >= deadline) {
                break;
            }
            sleeper.sleep(100);
        }
        lines = lines(name, version, install, true, timeout);
        StringBuilder out = new StringBuilder(head).append('\n');
        out.append(String.format("%-16s %-12s %s%n", "NODE", "STATE", "DETAIL"));
        for (NodeLine l : lines) {
            out.append(String.format("%-16s %-12s %s", l.node(), l.state(), l.detail()).stripTrailing()).append('\n');
        }
        long ok = lines.stream().filter(l -> l.outcome() == Outcome.OK).count();
        boolean allOk = ok == lines.size();
        out.append(install ? "Installed" : "Removed").append(" on ").append(ok).append(" of ").append(lines.size())
                .append(" nodes");
        if (!allOk) {
            out.append("; the others converge when they rejoin (unreachable) or at their next retry (failed)");
        }
        out.append('\n');
        String summary = name + (install ? " installed" : " removed") + " on " + ok + " of " + lines.size()
                + " nodes" + (allOk ? "" : "; not on " + lines.stream().filter(l -> l.outcome() != Outcome.OK)
                .map(l -> l.node() + " (" + l.state() + ")").collect(java.util.stream.Collectors.joining(", ")));
        return new Result(out.toString(), allOk, summary, version, lines);
    }

    private List<NodeLine> lines(String name, long version, boolean install, boolean last, Duration timeout) {
        QuorumState q = cluster.state();
        Map<NodeId, NodePlugins> reports = plugins.reports();
        List<NodeLine> lines = new ArrayList<>();
        for (NodeId node : nodes(q)) {
            NodePlugins r = reports.get(node);
            if (!q.members().contains(node) && !node.equals(q.localNode())) {
                lines.add(new NodeLine(node, Outcome.UNREACHABLE, "UNREACHABLE", "not in the cluster view"));
            } else if (r == null || r.applied() < version) {
                lines.add(new NodeLine(node, Outcome.NO_ANSWER, last ? "NO ANSWER" : "waiting",
                        last ? "no report for configuration version " + version + " within " + timeout.toSeconds()
                                + " s" + (r == null ? "" : " (last report: version " + r.applied() + ")") : ""));
            } else {
                PluginState s = r.state(name);
                boolean done = install ? s.status() == Status.INSTALLED : s.status() == Status.ABSENT;
                lines.add(new NodeLine(node, done ? Outcome.OK : Outcome.FAILED,
                        done ? word(s.status()) : "FAILED", s.detail()));
            }
        }
        return lines;
    }

    /** Every configured node (the node modes list them all), this node first if it is not configured. */
    private List<NodeId> nodes(QuorumState q) {
        Map<NodeId, Boolean> nodes = new LinkedHashMap<>();
        cluster.nodeModes().keySet().forEach(n -> nodes.put(n, true));
        nodes.putIfAbsent(q.localNode(), true);
        q.members().forEach(n -> nodes.putIfAbsent(n, true));
        return new ArrayList<>(nodes.keySet());
    }

    private static String word(Status s) {
        return switch (s) {
            case INSTALLED -> "installed";
            case ABSENT -> "absent";
            case FAILED -> "FAILED";
        };
    }
}
