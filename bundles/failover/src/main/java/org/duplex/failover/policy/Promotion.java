package org.duplex.failover.policy;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.PromotableAgent;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.model.FailoverConfig;

/**
 * The engine's rules for a promotable member of a group (a resource with {@code promotable=true}): who may
 * become its primary. Pure, like the engine: it reads the snapshot's replica reports and nothing else.
 *
 * <ul>
 *   <li>A copy may become primary only if no known copy is further ahead than {@code promote-max-lag} (in the
 *       agent's unit; default {@value #DEFAULT_MAX_LAG}), counting the last report of every node, dead ones
 *       included: what a dead primary last reported is what a promotion can lose. A copy on an older generation
 *       (timeline) than the most advanced one is behind by an unknown amount and is refused.</li>
 *   <li>A running standby must have reported within three monitor intervals (plus the monitor timeout): a
 *       position that old is not evidence of anything.</li>
 *   <li>{@code promote-force=NODE} lets the operator promote NODE anyway; the action's reason names what is at
 *       risk.</li>
 *   <li>With no report at all (a cluster that never ran the resource), any copy may start as primary: there is
 *       nothing to lose yet.</li>
 * </ul>
 */
public final class Promotion {

    /** 16 MiB: one WAL segment of PostgreSQL. */
    static final long DEFAULT_MAX_LAG = 16L * 1024 * 1024;

    private final ClusterSnapshot s;
    private final Resource resource;

    private Promotion(ClusterSnapshot s, Resource resource) {
        this.s = s;
        this.resource = resource;
    }

    /** The promotable member of {@code g}, if it has one (at most one: validated with the configuration). */
    static Optional<Promotion> of(ClusterSnapshot s, FailoverConfig config, ResourceGroup g) {
        for (ResourceId r : g.resources()) {
            Resource res = config.resources().get(r);
            if (res != null && isPromotable(res)) {
                return Optional.of(new Promotion(s, res));
            }
        }
        return Optional.empty();
    }

    static boolean isPromotable(Resource r) {
        return r != null && FailoverConfig.isPromotable(r);
    }

    ResourceId id() {
        return resource.id();
    }

    long maxLag() {
        String v = resource.params().get(PromotableAgent.MAX_LAG_PARAM);
        return v == null ? DEFAULT_MAX_LAG : Long.parseLong(v.strip());
    }

    Optional<NodeId> forced() {
        String v = resource.params().get(PromotableAgent.FORCE_PARAM);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(NodeId.of(v.strip()));
    }

    private Duration maxReportAge() {
        return resource.monitorInterval().multipliedBy(3).plus(resource.timeouts().monitor());
    }

    /** True when some node has ever reported a position: from then on, promotion follows positions. */
    boolean hasHistory() {
        return s.replicas().getOrDefault(resource.id(), Map.of()).values().stream()
                .anyMatch(r -> r.status().position().isPresent());
    }

    Optional<ReplicationPosition> position(NodeId n) {
        return s.replica(resource.id(), n).flatMap(r -> r.status().position());
    }

    /** The node whose last report is the most advanced (first in {@code order} on a tie); empty without reports. */
    Optional<Map.Entry<NodeId, ReplicationPosition>> mostAdvanced() {
        return s.replicas().getOrDefault(resource.id(), Map.of()).entrySet().stream()
                .filter(e -> e.getValue().status().position().isPresent())
                .map(e -> Map.entry(e.getKey(), e.getValue().status().position().get()))
                .max(Comparator.comparing((Map.Entry<NodeId, ReplicationPosition> e) -> e.getValue())
                        .thenComparing(e -> e.getKey(), Comparator.reverseOrder()));
    }

    /**
     * For a planned move ({@code ha:switchover}) of {@code g} to {@code n}: why the copy of its promotable member on
     * {@code n} may not become the primary by the same rules a failover follows (too far behind the most advanced
     * known position unless forced, a stale or missing report), or empty; empty too when {@code g} has none.
     */
    public static Optional<String> refusal(ClusterSnapshot s, FailoverConfig config, ResourceGroup g, NodeId n) {
        return of(s, config, g).flatMap(p -> p.refuse(n));
    }

    /**
     * Empty when the copy on {@code n} may become the primary (or already is); otherwise why not, naming the
     * data at risk. Does not look at liveness or the group's other rules: the engine's eligibility does.
     */
    Optional<String> refuse(NodeId n) {
        ResourceState st = s.state(n, resource.id());
        if (st == ResourceState.RUNNING || !hasHistory()) {
            return Optional.empty();
        }
        Optional<ReplicaReport> rep = s.replica(resource.id(), n);
        if (rep.isEmpty() || rep.get().status().position().isEmpty()) {
            return Optional.of(n + " cannot be promoted: its copy of " + resource.id()
                    + " never reported a replication position" + rep.map(r -> " (" + r.status().detail() + ")")
                    .orElse(""));
        }
        if (st == ResourceState.STANDBY && rep.get().at().plus(maxReportAge()).isBefore(s.now())) {
            return Optional.of(n + " cannot be promoted: its standby of " + resource.id()
                    + " last reported a position at " + PolicyEngine.time(rep.get().at()) + ", more than "
                    + maxReportAge().toMillis() + " ms ago");
        }
        if (st != ResourceState.STANDBY && st != ResourceState.STOPPED) {
            return Optional.of(n + " cannot be promoted: its copy of " + resource.id() + " is "
                    + st.name().toLowerCase());
        }
        Optional<String> risk = risk(n);
        if (risk.isPresent() && forced().filter(n::equals).isEmpty()) {
            return Optional.of(n + " is not promoted: " + risk.get() + "; set " + PromotableAgent.FORCE_PARAM
                    + "=" + n + " on " + resource.id() + " to accept that loss");
        }
        return Optional.empty();
    }

    /**
     * What promoting {@code n} would lose, when more than {@code promote-max-lag}: "node2 is 50331648 bytes of
     * WAL behind node1 (0/5000000 on timeline 1, last reported at 12:00:01.2): promoting it loses what was written
     * in between". Empty when {@code n} is close enough.
     */
    Optional<String> risk(NodeId n) {
        Optional<ReplicationPosition> mine = position(n);
        Optional<Map.Entry<NodeId, ReplicationPosition>> best = mostAdvanced();
        if (mine.isEmpty() || best.isEmpty() || best.get().getKey().equals(n)) {
            return Optional.empty();
        }
        ReplicationPosition ahead = best.get().getValue();
        long behind = mine.get().behind(ahead);
        if (behind <= maxLag()) {
            return Optional.empty();
        }
        ReplicaReport bestReport = s.replica(resource.id(), best.get().getKey()).orElseThrow();
        String distance = behind == Long.MAX_VALUE ? "on an older history (" + mine.get().text() + ")"
                : behind + " " + ahead.unit() + " (limit " + PromotableAgent.MAX_LAG_PARAM + "=" + maxLag() + ")";
        return Optional.of(n + " is " + distance + " behind " + best.get().getKey() + " (" + ahead.text()
                + ", last reported at " + PolicyEngine.time(bestReport.at()) + "): promoting " + n
                + " loses the data of " + resource.id() + " written in between");
    }

    /** Orders promotion candidates: the most advanced position first, node priority on a tie. */
    Comparator<NodeId> bestFirst(ResourceGroup g) {
        Comparator<NodeId> byPosition = Comparator.comparing(
                (NodeId n) -> position(n).orElse(null), Comparator.nullsLast(Comparator.reverseOrder()));
        return byPosition.thenComparingInt(n -> g.nodes().indexOf(n));
    }

    /** The node the standby on {@code n} last said it follows; empty when unknown. */
    Optional<String> following(NodeId n) {
        return s.replica(resource.id(), n).filter(r -> r.status().role() == ReplicaStatus.Role.STANDBY)
                .flatMap(r -> r.status().following());
    }

    /** "(up to ... behind node1 lost: forced by promote-force=node2)" when a forced promotion risks data. */
    Optional<String> forcedRisk(NodeId n) {
        return forced().filter(n::equals).flatMap(x -> risk(n)).map(r -> "FORCED by "
                + PromotableAgent.FORCE_PARAM + "=" + n + ": " + r);
    }
}
