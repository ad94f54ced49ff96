package org.duplex.cluster.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.status.StatusSection;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.ConfigDiff;
import org.duplex.cluster.config.ConfigException;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.liveness.LivenessCombiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logic behind the ha: commands, testable without a shell. Errors are thrown with operator-ready text. */
public final class AdminOperations {

    private static final Logger LOG = LoggerFactory.getLogger(AdminOperations.class);

    /** How long a configuration change waits for the cluster to confirm it (the ha: commands and the REST API). */
    public static final Duration CONFIRM = Duration.ofSeconds(5);

    private final ClusterAdmin admin;
    private final Duration confirmTimeout;

    private final java.util.function.Function<String, List<String>> documentProblems;

    public AdminOperations(ClusterAdmin admin, Duration confirmTimeout) {
        this(admin, confirmTimeout, org.duplex.cluster.documents.DocumentValidators::problems);
    }

    /**
     * @param documentProblems the problems the owners' validators find in a failover document (JSON); the default
     *                         asks every {@link org.duplex.api.cluster.DocumentValidator} service registered for it
     */
    public AdminOperations(ClusterAdmin admin, Duration confirmTimeout,
                           java.util.function.Function<String, List<String>> documentProblems) {
        this.admin = admin;
        this.confirmTimeout = confirmTimeout;
        this.documentProblems = documentProblems;
    }

    public String status() {
        return status(admin.statusSections());
    }

    /** {@link #status()} followed by {@code sections} (other bundles' parts), in their order. */
    public String status(List<StatusSection> sections) {
        QuorumState s = admin.state();
        ClusterConfig c = admin.config();
        Map<NodeId, PeerStatus> hb = admin.heartbeat().stream()
                .collect(Collectors.toMap(PeerStatus::peer, Function.identity(), (a, b) -> a));
        StringBuilder out = new StringBuilder();
        out.append(String.format("Cluster %s, local node %s%n", c.clusterName(), s.localNode()));
        out.append(String.format("Quorum:      %s (%s)%n", s.quorate() ? "yes" : "NO", s.reason()));
        out.append(String.format("Votes:       %d of %d expected%n", s.votes(), s.expectedVotes()));
        out.append(String.format("Coordinator: %s%n", s.coordinator().map(Object::toString)
                .orElse(s.quorate() ? "(term starting)" : "none (no quorum: policy " + admin.noQuorumPolicy() + ")")));
        out.append(String.format("Epoch:       %d%n", s.epoch().value()));
        out.append(String.format("Config:      version %d (epoch %d)%n", c.version(), c.epoch()));
        out.append(String.format("Build:       Duplex %s, protocol level %d%s%n", admin.protocol().build(),
                admin.protocol().level(), admin.memberVersions().values().stream().map(v -> v.level()).distinct()
                        .count() > 1 ? " (mixed builds in the view: ha:upgrade-status)" : ""));
        out.append(String.format("Tiebreaker:  %s%n", admin.tiebreaker()));
        String holder = admin.tiebreakerStatus();
        if (!holder.isEmpty()) {
            out.append(String.format("Lease:       %s%n", holder));
        }
        out.append(String.format("%n%-16s %-8s %-6s %-12s %-8s %-12s %s%n", "NODE", "ROLE", "VOTES", "MODE", "IN VIEW",
                "LIVENESS", "LINKS"));
        for (NodeConfig n : c.nodes()) {
            NodeId id = NodeId.of(n.id());
            boolean self = id.equals(s.localNode());
            Optional<PeerStatus> p = Optional.ofNullable(hb.get(id));
            String liveness = self ? "SELF" : LivenessCombiner.combine(id, s.members(), p).name();
            String links = p.map(ps -> ps.links().stream().map(AdminOperations::link)
                    .collect(Collectors.joining(" "))).orElse(self ? "" : "-");
            out.append(String.format("%-16s %-8s %-6d %-12s %-8s %-12s %s", n.id()
                            + (s.coordinator().filter(id::equals).isPresent() ? " *" : ""), n.role(), n.votes(),
                    n.mode(), s.members().contains(id) ? "yes" : "no", liveness, links).stripTrailing())
                    .append('\n');
        }
        out.append("(* = coordinator)\n");
        sections.stream().sorted(java.util.Comparator.comparingInt(StatusSection::order))
                .map(AdminOperations::render).filter(t -> !t.isBlank())
                .forEach(t -> out.append('\n').append(t.stripTrailing()).append('\n'));
        return out.toString();
    }

    /**
     * ha:upgrade-status: this node's build and protocol level, every member's, the level the configuration needs,
     * and what that means for upgrading and going back.
     */
    public String upgradeStatus() {
        QuorumState s = admin.state();
        ClusterConfig c = admin.config();
        org.duplex.cluster.protocol.ProtocolVersion me = admin.protocol();
        Map<NodeId, org.duplex.cluster.protocol.ProtocolVersion> members = admin.memberVersions();
        java.util.Set<NodeId> aside = admin.standingAside();
        StringBuilder out = new StringBuilder();
        out.append(String.format("This node:   %s, Duplex %s, protocol level %d%n", s.localNode(), me.build(),
                me.level()));
        int lowest = members.entrySet().stream().filter(e -> !aside.contains(e.getKey()))
                .mapToInt(e -> e.getValue().level()).min().orElse(me.level());
        int highest = members.entrySet().stream().filter(e -> !aside.contains(e.getKey()))
                .mapToInt(e -> e.getValue().level()).max().orElse(me.level());
        out.append(String.format("Cluster:     protocol level %d in use (the lowest member's)%s%n", lowest,
                lowest == highest ? "" : "; mixed builds: what level " + highest + " adds stays off until every"
                + " member runs it"));
        int needs = Math.max(c.requires(), 2);
        out.append(String.format("Config:      version %d needs protocol level %d%s%n", c.version(), needs,
                c.requires() == 0 ? " (nothing newer in use)" : ""));
        out.append(String.format("Going back:  %s%n", c.requires() == 0
                ? "a node may go back to any build of level 2 or later (0.1.0 and later)"
                : "only to builds of protocol level " + c.requires() + " or later: the configuration uses what"
                + " older builds cannot read"));
        out.append(String.format("%n%-16s %-20s %-6s %s%n", "NODE", "BUILD", "LEVEL", "STATE"));
        for (NodeConfig n : c.nodes()) {
            NodeId id = NodeId.of(n.id());
            org.duplex.cluster.protocol.ProtocolVersion v = members.get(id);
            String state = aside.contains(id) ? "STANDING ASIDE: too old for configuration version " + c.version()
                    + " (needs level " + c.requires() + ")"
                    : !s.members().contains(id) && v == null ? "not in view (build unknown)"
                    : v == null ? "in view, no hello yet" : "member";
            out.append(String.format("%-16s %-20s %-6s %s", n.id(), v == null ? "-" : v.build(),
                    v == null ? "-" : Integer.toString(v.level()), state).stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** What {@link #status()} prints for the cluster, as a value (the REST API's {@code GET /status}). */
    public org.duplex.api.admin.ClusterStatus statusValue() {
        QuorumState s = admin.state();
        ClusterConfig c = admin.config();
        Map<NodeId, PeerStatus> hb = admin.heartbeat().stream()
                .collect(Collectors.toMap(PeerStatus::peer, Function.identity(), (a, b) -> a));
        List<org.duplex.api.admin.NodeInfo> nodes = new ArrayList<>();
        for (NodeConfig n : c.nodes()) {
            NodeId id = NodeId.of(n.id());
            boolean self = id.equals(s.localNode());
            Optional<PeerStatus> p = Optional.ofNullable(hb.get(id));
            String liveness = self ? "SELF" : LivenessCombiner.combine(id, s.members(), p).name();
            Map<String, String> links = new java.util.TreeMap<>();
            p.ifPresent(ps -> ps.links().forEach(l -> links.put(l.linkId(), String.valueOf(l.state()))));
            nodes.add(new org.duplex.api.admin.NodeInfo(n.id(), String.valueOf(n.role()), n.votes(),
                    String.valueOf(n.mode()), s.members().contains(id), liveness,
                    s.coordinator().filter(id::equals).isPresent(), links));
        }
        return new org.duplex.api.admin.ClusterStatus(c.clusterName(), s.localNode().value(), s.quorate(), s.reason(),
                s.votes(), s.expectedVotes(), s.coordinator().map(NodeId::value).orElse(null), s.epoch().value(),
                c.version(), admin.tiebreaker(), nodes);
    }

    /** A section that throws must not take ha:status down with it: it shows as failed, the rest still prints. */
    private static String render(StatusSection s) {
        try {
            String t = s.render();
            return t == null ? "" : t;
        } catch (RuntimeException e) {
            LOG.warn("status section {} failed", s.getClass().getName(), e);
            return "(status section " + s.getClass().getName() + " failed: " + e + ")";
        }
    }

    private static String link(LinkStatus l) {
        return l.linkId() + "=" + l.state();
    }

    public String show() {
        return ConfigCodec.write(admin.config(), ConfigCodec.Format.YAML);
    }

    public String export(Path file) throws IOException {
        ConfigCodec.Format f = ConfigCodec.Format.forFile(file.getFileName().toString());
        Files.writeString(file, ConfigCodec.write(admin.config(), f), StandardCharsets.UTF_8);
        return "Exported configuration version " + admin.config().version() + " to " + file + " (" + f + ")";
    }

    /** Validates, diffs and (unless dryRun) applies; throws ConfigException and changes nothing on bad input. */
    public String importFile(Path file, boolean dryRun) throws IOException, ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("(file): " + file + " does not exist or is not a file"));
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ClusterConfig imported = ConfigCodec.parse(text, ConfigCodec.Format.forFile(file.getFileName().toString()));
        ClusterConfig current = admin.config();
        List<String> problems = new ArrayList<>();
        if (!current.clusterName().equals(imported.clusterName())) {
            problems.add("clusterName: '" + imported.clusterName() + "' does not match this cluster '"
                    + current.clusterName() + "'");
        }
        if (imported.node(admin.state().localNode()).isEmpty()) {
            problems.add("nodes: the local node '" + admin.state().localNode() + "' must stay in the configuration");
        }
        // the cluster does not interpret the failover sections; their owner checks them before anything is proposed
        problems.addAll(documentProblems.apply(org.duplex.cluster.config.ConfigCodec.toJson(
                org.duplex.cluster.documents.FailoverSections.of(imported))));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        List<String> diff = ConfigDiff.diff(current, imported);
        StringBuilder out = new StringBuilder();
        if (diff.isEmpty()) {
            return "No change: " + file + " matches configuration version " + current.version();
        }
        out.append("Changes against version ").append(current.version()).append(":\n");
        diff.forEach(l -> out.append("  ").append(l).append('\n'));
        if (dryRun) {
            return out.append("Dry run: nothing applied.").toString();
        }
        return out.append(apply(imported.stamped(current.version(), current.epoch()))).toString();
    }

    public String setMode(String node, NodeMode mode) throws ConfigException {
        NodeId id;
        try {
            id = NodeId.of(node);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("node: " + e.getMessage()));
        }
        ClusterConfig current = admin.config();
        if (current.node(id).isEmpty()) {
            throw new ConfigException(List.of("node: unknown node '" + node + "' (known: " + current.nodes().stream()
                    .map(NodeConfig::id).collect(Collectors.toCollection(TreeSet::new)) + ")"));
        }
        if (current.node(id).get().mode() == mode) {
            return "Node " + node + " is already " + mode;
        }
        return apply(ConfigValidator.requireValid(current.withNodeMode(id, mode)));
    }

    private String apply(ClusterConfig candidate) throws ConfigException {
        long before = admin.config().version();
        ProposeResult r = admin.propose(candidate);
        switch (r.status()) {
            case APPLIED:
                return "Applied as configuration version " + r.version() + ".";
            case FORWARDED:
                long end = System.nanoTime() + confirmTimeout.toNanos();
                while (System.nanoTime() < end) {
                    if (admin.config().version() > before) {
                        return "Applied by the coordinator as configuration version " + admin.config().version() + ".";
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return "Sent to the coordinator (" + r.message() + ") but not confirmed within "
                        + confirmTimeout.toMillis() + " ms: check ha:status and ha:config-show.";
            default:
                throw new ConfigException(List.of("(cluster): " + r.message() + "; nothing changed"));
        }
    }
}
