package org.duplex.failover.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.policy.Action.Op;
import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Tries to break the safety of promotable resources with random clusters (seeded: jqwik reports the seed): dead,
 * partitioned, suspect (frozen) and returning nodes, copies running as primaries on several nodes, standbys with
 * stale or low positions, old timelines, fencing or not, quorum or not. Whatever the input, the plan must never
 * make a second primary, never promote a copy the rules refuse, promote the most advanced eligible copy on a
 * failover, and never tell a primary to follow.
 */
class PromotablePropertiesTest {

    private static final ResourceId PG = ResourceId.of("pg");
    private static final ResourceId VIP = ResourceId.of("vip");
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final long MAX_LAG = 1000;
    /** A standby's report counts for 3 monitor intervals plus the monitor timeout (Resource.of's defaults). */
    private static final Instant FRESH_SINCE = NOW.minus(Resource.of("x", "x", Map.of()).monitorInterval()
            .multipliedBy(3).plus(Resource.of("x", "x", Map.of()).timeouts().monitor()));

    private final PolicyEngine engine = new PolicyEngine();

    @Property(tries = 2000)
    void neverTwoPrimariesAndOnlyAllowedPromotions(@ForAll long seed) {
        ClusterSnapshot s = randomSnapshot(new Random(seed));
        Plan plan = engine.plan(s);
        String ctx = "seed " + seed + "\nstates " + s.states() + "\nnodes " + s.nodes().values() + "\nreplicas "
                + s.replicas() + "\n" + plan.render();

        PlanSimulator.Outcome out = new PlanSimulator().apply(s, plan);
        assertThat(out.violations()).as(ctx).isEmpty();

        // never more copies of the primary that are not dead than before, and never a new one beside another
        long before = primaries(s).size();
        long after = primaries(out.after()).size();
        assertThat(after).as(ctx + " primaries after").isLessThanOrEqualTo(Math.max(1, before));

        Optional<ReplicationPosition> best = s.replicas().getOrDefault(PG, Map.of()).values().stream()
                .flatMap(r -> r.status().position().stream()).max(ReplicationPosition::compareTo);
        java.util.Set<NodeId> stoppedSoFar = new java.util.HashSet<>();
        for (Action a : plan.actions()) {
            if (a.op() == Op.FENCE) {
                stoppedSoFar.add(a.node());
            }
            if (!a.resource().filter(PG::equals).isPresent()) {
                continue;
            }
            if (a.op() == Op.STOP) {
                stoppedSoFar.add(a.node());
            }
            if (a.op() == Op.START || a.op() == Op.PROMOTE) {
                NodeId n = a.node();
                List<NodeId> others = new ArrayList<>(primaries(s));
                others.removeAll(stoppedSoFar);
                assertThat(others).as(ctx + " a primary is made while another may run").isEmpty();
                assertThat(s.nodes().get(n).liveness()).as(ctx).isEqualTo(Liveness.ALIVE);
                if (best.isPresent()) {
                    Optional<ReplicationPosition> mine = s.replica(PG, n).flatMap(r -> r.status().position());
                    assertThat(mine).as(ctx + " promoted " + n + " without a position").isPresent();
                    assertThat(mine.get().behind(best.get())).as(ctx + " promoted " + n + " too far behind")
                            .isLessThanOrEqualTo(MAX_LAG);
                    if (a.op() == Op.PROMOTE) {
                        assertThat(s.replica(PG, n).orElseThrow().at()).as(ctx + " stale report promoted")
                                .isAfterOrEqualTo(FRESH_SINCE);
                    }
                    // the most advanced fresh standby among the eligible-looking ones wins
                    for (NodeId m : s.nodes().keySet()) {
                        if (!m.equals(n) && plainCandidate(s, m, best.get())) {
                            assertThat(s.replica(PG, m).flatMap(r -> r.status().position()).orElseThrow())
                                    .as(ctx + " " + m + " was more advanced than " + n)
                                    .isLessThanOrEqualTo(mine.get());
                        }
                    }
                }
                assertThat(a.op() == Op.PROMOTE).as(ctx).isEqualTo(s.state(n, PG) == ResourceState.STANDBY);
            }
            if (a.op() == Op.FOLLOW) {
                assertThat(s.state(a.node(), PG)).as(ctx + " follow on a primary")
                        .isIn(ResourceState.STOPPED, ResourceState.STANDBY);
                NodeId primary = a.peer().orElseThrow();
                assertThat(out.after().state(primary, PG)).as(ctx + " follows a node that is no primary")
                        .isEqualTo(ResourceState.RUNNING);
            }
        }
    }

    /** Alive, online, no failure, a fresh standby report within the lag: nothing but its position can exclude it. */
    private static boolean plainCandidate(ClusterSnapshot s, NodeId m, ReplicationPosition best) {
        Node node = s.nodes().get(m);
        Optional<ReplicaReport> r = s.replica(PG, m);
        return node.canRunResources() && s.state(m, PG) == ResourceState.STANDBY
                && s.state(m, VIP) == ResourceState.STOPPED && s.failures().isEmpty() && r.isPresent()
                && r.get().status().position().isPresent() && !r.get().at().isBefore(FRESH_SINCE)
                && r.get().status().position().get().behind(best) <= MAX_LAG;
    }

    private static List<NodeId> primaries(ClusterSnapshot s) {
        List<NodeId> out = new ArrayList<>();
        s.nodes().forEach((id, n) -> {
            if (n.liveness() != Liveness.DEAD && s.state(id, PG) == ResourceState.RUNNING) {
                out.add(id);
            }
        });
        return out;
    }

    @Test
    void aGroupWithTwoPromotableMembersIsRefused() {
        assertThatThrownBy(() -> ConfigText.parse("""
                resource a type=postgresql promotable=true
                resource b type=postgresql promotable=true
                group db resources=a,b nodes=node1,node2
                """)).hasMessageContaining("group db has more than one promotable resource [a, b]");
    }

    @Test
    void badEngineParametersNameTheParameter() {
        assertThatThrownBy(() -> ConfigText.parse("resource a type=postgresql promotable=yes\n"))
                .hasMessageContaining("promotable must be true or false, was yes");
        assertThatThrownBy(() -> ConfigText.parse("resource a type=postgresql promotable=true promote-max-lag=-1\n"))
                .hasMessageContaining("promote-max-lag must be a whole number");
        assertThatThrownBy(() -> ConfigText.parse("resource a type=postgresql promote-force=node2\n"))
                .hasMessageContaining("promote-force needs promotable=true");
    }

    @Test
    void positionsCompareGenerationFirstAndKnowTheirDistanceOnlyWithinOne() {
        ReplicationPosition t1 = new ReplicationPosition(1, 900, "bytes", "a");
        ReplicationPosition t1b = new ReplicationPosition(1, 1000, "bytes", "b");
        ReplicationPosition t2 = new ReplicationPosition(2, 10, "bytes", "c");
        assertThat(t1).isLessThan(t1b).isLessThan(t2);
        assertThat(t1.behind(t1b)).isEqualTo(100);
        assertThat(t1b.behind(t1)).isZero();
        assertThat(t1b.behind(t2)).isEqualTo(Long.MAX_VALUE);
    }

    private static ClusterSnapshot randomSnapshot(Random rnd) {
        int count = 2 + rnd.nextInt(3);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(NodeId.of("node" + i));
        }
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        resources.put(PG, Resource.of("pg", "postgresql", Map.of("promotable", "true",
                "promote-max-lag", String.valueOf(MAX_LAG))));
        resources.put(VIP, Resource.of("vip", "vip", Map.of()));
        List<NodeId> order = new ArrayList<>(ids);
        java.util.Collections.shuffle(order, rnd);
        ResourceGroup g = new ResourceGroup(ResourceId.of("db"), List.of(PG, VIP), order);
        FailoverConfig config = new FailoverConfig(resources, List.of(g), Map.of(),
                org.duplex.failover.model.ClusterOptions.DEFAULT);

        Liveness[] liveness = {Liveness.ALIVE, Liveness.ALIVE, Liveness.ALIVE, Liveness.DEAD, Liveness.SUSPECT,
                Liveness.PARTITIONED, Liveness.UNKNOWN};
        ResourceState[] pgStates = {ResourceState.STOPPED, ResourceState.STANDBY, ResourceState.STANDBY,
                ResourceState.RUNNING, ResourceState.FAILED, ResourceState.STARTING, ResourceState.UNKNOWN};
        Map<NodeId, Node> nodes = new LinkedHashMap<>();
        Map<NodeId, Map<ResourceId, ResourceState>> states = new LinkedHashMap<>();
        Map<NodeId, ReplicaReport> reports = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        int maxGen = 1 + rnd.nextInt(3);
        for (NodeId id : ids) {
            NodeMode mode = rnd.nextInt(8) == 0 ? NodeMode.STANDBY : NodeMode.ONLINE;
            nodes.put(id, new Node(id, NodeRole.MEMBER, mode, liveness[rnd.nextInt(liveness.length)]));
            ResourceState pg = pgStates[rnd.nextInt(pgStates.length)];
            Map<ResourceId, ResourceState> m = new LinkedHashMap<>();
            m.put(PG, pg);
            m.put(VIP, pg == ResourceState.RUNNING && rnd.nextBoolean() ? ResourceState.RUNNING
                    : ResourceState.STOPPED);
            states.put(id, m);
            if (rnd.nextInt(5) > 0) {
                ReplicaStatus.Role role = pg == ResourceState.RUNNING ? ReplicaStatus.Role.PRIMARY
                        : pg == ResourceState.STANDBY ? ReplicaStatus.Role.STANDBY
                        : pick(rnd, ReplicaStatus.Role.values());
                Optional<ReplicationPosition> pos = rnd.nextInt(6) == 0 ? Optional.empty()
                        : Optional.of(new ReplicationPosition(1 + rnd.nextInt(maxGen), rnd.nextInt(3000), "bytes",
                        "p"));
                Instant at = rnd.nextInt(4) == 0 ? NOW.minusSeconds(30 + rnd.nextInt(100))
                        : NOW.minusSeconds(rnd.nextInt(3));
                Optional<String> following = role == ReplicaStatus.Role.STANDBY
                        ? Optional.of(pick(rnd, ids.toArray(NodeId[]::new)).toString()) : Optional.empty();
                reports.put(id, new ReplicaReport(new ReplicaStatus(role, pos, following, "random"), at));
            }
            if (rnd.nextInt(10) == 0) {
                failures.add(new Failure(id, PG, NOW.minusSeconds(5), "random failure"));
            }
        }
        boolean quorate = rnd.nextInt(5) > 0;
        NodeId local = pick(rnd, ids.toArray(NodeId[]::new));
        QuorumState q = new QuorumState(local, quorate, quorate ? Optional.of(local) : Optional.empty(),
                new FencingEpoch(5), nodes.keySet(), 1, 3, "random");
        Set<NodeId> covered = new LinkedHashSet<>();
        for (NodeId n : ids) {
            if (rnd.nextBoolean()) {
                covered.add(n);
            }
        }
        return new ClusterSnapshot(config, nodes, Map.of(), states, failures, NOW, q,
                new FencingView(covered, Map.of()), Map.of(), Map.of(PG, reports));
    }

    private static <T> T pick(Random rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
