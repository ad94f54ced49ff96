package org.duplex.failover.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

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
import org.duplex.failover.model.ClusterOptions;
import org.duplex.failover.model.Colocation;
import org.duplex.failover.model.Failback;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.GroupPolicy;
import org.duplex.failover.model.NoQuorumPolicy;
import org.duplex.failover.model.OnFail;
import org.duplex.failover.policy.Action.Op;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * For random cluster states (seeded, so a failure is reproducible from jqwik's report): the plan never starts a
 * group while it may run on another node that is not dead, never starts anything without quorum, never starts
 * on a node that cannot run resources, never touches an unmanaged group, and is a function of its input.
 */
class PolicyPropertiesTest {

    private final PolicyEngine engine = new PolicyEngine();

    @Property
    void planIsSafe(@ForAll long seed) {
        ClusterSnapshot s = randomSnapshot(new Random(seed));
        Plan plan = engine.plan(s);
        String ctx = "seed " + seed + "\n" + s + "\n" + plan.render();

        PlanSimulator.Outcome outcome = new PlanSimulator().apply(s, plan);
        assertThat(outcome.violations()).as(ctx).isEmpty();

        boolean mayAct = s.quorum().quorate() || s.config().options().noQuorumPolicy() == NoQuorumPolicy.IGNORE;
        if (s.quorum().settling() && !mayAct) {
            assertThat(plan.actions()).as(ctx + " settling: keep what runs").isEmpty();
        }
        if (!mayAct) {
            assertThat(plan.actions()).as(ctx).allMatch(a -> a.op() == Op.STOP
                    && a.node().equals(s.quorum().localNode()));
        }
        for (Action a : plan.actions()) {
            assertThat(a.epoch()).as(ctx).isEqualTo(s.quorum().epoch());
            if (a.op() == Op.START) {
                assertThat(s.nodes().get(a.node()).canRunResources()).as(ctx + " start target").isTrue();
                ResourceGroup g = s.config().group(a.group().orElseThrow()).orElseThrow();
                assertThat(g.nodes()).as(ctx).contains(a.node());
            }
            a.group().ifPresent(g -> assertThat(s.config().policyOf(g).managed()).as(ctx + " unmanaged " + g)
                    .isTrue());
        }
        // a group placed on two live nodes afterwards was already there before: the plan never adds a copy
        outcome.placement().forEach((g, where) -> {
            if (where.size() > 1) {
                ResourceGroup group = s.config().group(g).orElseThrow();
                for (NodeId n : where) {
                    assertThat(group.resources().stream().anyMatch(r -> s.state(n, r) != ResourceState.STOPPED))
                            .as(ctx + " new copy of " + g + " on " + n).isTrue();
                }
            }
        });
        assertThat(engine.plan(s)).as(ctx).isEqualTo(plan);
        fencingRules(s, plan, ctx);
    }

    /**
     * Fencing: only nodes a device covers (or all with fencing=true), never while a failed fence waits for its
     * retry, a partitioned node only from a quorate side; and no start beside a dead, partitioned or
     * unconfirmed-stop node that can be fenced unless its fence comes first in the plan.
     */
    private static void fencingRules(ClusterSnapshot s, Plan plan, String ctx) {
        java.util.function.Predicate<NodeId> canFence = n -> s.config().options().fencing() || s.fencing().covers(n);
        List<NodeId> fencedSoFar = new ArrayList<>();
        for (Action a : plan.actions()) {
            if (a.op() == Op.FENCE) {
                assertThat(canFence.test(a.node())).as(ctx + " fence without device").isTrue();
                FencingView.FenceFailure f = s.fencing().failures().get(a.node());
                assertThat(f == null || !s.now().isBefore(f.retryAt())).as(ctx + " fence before its retry").isTrue();
                if (s.nodes().get(a.node()).liveness() == Liveness.PARTITIONED) {
                    assertThat(s.quorum().quorate()).as(ctx + " partitioned fenced without quorum").isTrue();
                }
                fencedSoFar.add(a.node());
            }
            if (a.op() == Op.START) {
                ResourceGroup g = s.config().group(a.group().orElseThrow()).orElseThrow();
                for (NodeId n : s.nodes().keySet()) {
                    if (n.equals(a.node()) || !canFence.test(n)) {
                        continue;
                    }
                    boolean active = g.resources().stream().anyMatch(r -> s.state(n, r) != ResourceState.STOPPED);
                    boolean blocked = g.resources().stream().anyMatch(r -> s.state(n, r) == ResourceState.BLOCKED);
                    Liveness l = s.nodes().get(n).liveness();
                    if (active && (l == Liveness.DEAD || l == Liveness.PARTITIONED || blocked)) {
                        assertThat(fencedSoFar).as(ctx + " " + a.summary() + " needs " + n + " fenced first")
                                .contains(n);
                    }
                }
            }
        }
    }

    /**
     * Mandatory anti-colocation whatever the declaration order (issue 14): a group is never started on the node
     * its plan gives to a group it must stay apart from, in either direction of the {@code apart=} (unmanaged
     * groups included). The random
     * configurations only point colocations at earlier groups, so both the declared and the reversed order are
     * tried.
     */
    @Property
    void apartIsHonouredWhateverTheDeclarationOrder(@ForAll long seed) {
        ClusterSnapshot declared = randomSnapshot(new Random(seed));
        List<ResourceGroup> reversedGroups = new ArrayList<>(declared.config().groups());
        java.util.Collections.reverse(reversedGroups);
        FailoverConfig c = declared.config();
        FailoverConfig reversedConfig = new FailoverConfig(c.resources(), reversedGroups,
                reversedGroups.stream().collect(java.util.stream.Collectors.toMap(ResourceGroup::id,
                        g -> c.policyOf(g.id()))), c.options());
        for (ClusterSnapshot s : List.of(declared, new ClusterSnapshot(reversedConfig, declared.nodes(),
                declared.nodeNotes(), declared.states(), declared.failures(), declared.now(), declared.quorum(),
                declared.fencing()))) {
            Plan plan = engine.plan(s);
            String ctx = "seed " + seed + "\n" + s + "\n" + plan.render();
            for (Action a : plan.actions()) {
                if (a.op() != Op.START) {
                    continue;
                }
                ResourceId g = a.group().orElseThrow();
                for (ResourceGroup other : s.config().groups()) {
                    boolean apart = s.config().policyOf(g).colocations().stream().anyMatch(col -> col.kind()
                            == Colocation.Kind.APART && col.other().equals(other.id()))
                            || s.config().policyOf(other.id()).colocations().stream().anyMatch(col -> col.kind()
                            == Colocation.Kind.APART && col.other().equals(g));
                    // a group that waits, is left alone in maintenance, is blocked or is being probed stays where
                    // it may run, whatever its constraints: placement does not move it, so it is not checked here
                    boolean pinned = plan.notes().stream().anyMatch(n -> n.startsWith(other.id() + " waits")
                            || n.startsWith(other.id() + " left alone")) || plan.actions().stream().anyMatch(
                            x -> (x.op() == Op.BLOCK || x.op() == Op.PROBE)
                                    && x.group().equals(Optional.of(other.id())));
                    if (apart && !pinned) {
                        assertThat(plan.targets().getOrDefault(other.id(), Optional.empty()))
                                .as(ctx + " " + a.summary() + " beside " + other.id()).isNotEqualTo(
                                        Optional.of(a.node()));
                    }
                }
            }
        }
    }

    @Property(tries = 300)
    void healthyQuorateClusterConvergesWithoutDoublePlacement(@ForAll long seed) {
        // start from nothing, apply plans as if every step succeeded: within a few rounds nothing is left to do
        Random rnd = new Random(seed);
        ClusterSnapshot s = randomSnapshot(rnd);
        Map<NodeId, Map<ResourceId, ResourceState>> none = new LinkedHashMap<>();
        QuorumState q = new QuorumState(s.quorum().localNode(), true, Optional.of(s.quorum().localNode()),
                s.quorum().epoch(), s.nodes().keySet(), 2, 3, "test");
        s = new ClusterSnapshot(s.config(), s.nodes(), Map.of(), none, List.of(), s.now(), q);
        for (int round = 0; round < 4; round++) {
            Plan plan = engine.plan(s);
            PlanSimulator.Outcome o = new PlanSimulator().apply(s, plan);
            assertThat(o.violations()).isEmpty();
            o.placement().forEach((g, where) -> assertThat(where).as("seed " + seed + " " + g).hasSizeLessThan(2));
            s = o.after();
        }
        assertThat(engine.plan(s).actions()).as("seed " + seed + " converged").isEmpty();
    }

    static ClusterSnapshot randomSnapshot(Random rnd) {
        int nodeCount = 2 + rnd.nextInt(3);
        List<NodeId> ids = new ArrayList<>();
        Map<NodeId, Node> nodes = new LinkedHashMap<>();
        for (int i = 1; i <= nodeCount; i++) {
            NodeId id = NodeId.of("node" + i);
            ids.add(id);
            Liveness l = pick(rnd, Liveness.values());
            if (rnd.nextInt(3) > 0) {
                l = Liveness.ALIVE;
            }
            NodeMode mode = rnd.nextInt(5) == 0 ? pick(rnd, NodeMode.values()) : NodeMode.ONLINE;
            NodeRole role = rnd.nextInt(8) == 0 ? NodeRole.WITNESS : NodeRole.MEMBER;
            nodes.put(id, new Node(id, role, mode, l));
        }
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        List<ResourceGroup> groups = new ArrayList<>();
        Map<ResourceId, GroupPolicy> policies = new LinkedHashMap<>();
        int groupCount = 1 + rnd.nextInt(3);
        for (int g = 1; g <= groupCount; g++) {
            List<ResourceId> members = new ArrayList<>();
            int memberCount = 1 + rnd.nextInt(2);
            for (int m = 1; m <= memberCount; m++) {
                Resource r = Resource.of("r" + g + "_" + m, "dummy", Map.of());
                resources.put(r.id(), r);
                members.add(r.id());
            }
            List<NodeId> list = new ArrayList<>(ids);
            java.util.Collections.shuffle(list, rnd);
            list = list.subList(0, 1 + rnd.nextInt(list.size()));
            ResourceId gid = ResourceId.of("g" + g);
            groups.add(new ResourceGroup(gid, members, list));
            List<Colocation> col = new ArrayList<>();
            if (g > 1 && rnd.nextInt(3) == 0) {
                // "with" only towards earlier groups, so chains never loop
                col.add(new Colocation(ResourceId.of("g" + (1 + rnd.nextInt(g - 1))),
                        pick(rnd, Colocation.Kind.values())));
            }
            Failback fb = switch (rnd.nextInt(3)) {
                case 0 -> Failback.AUTOMATIC;
                case 1 -> Failback.MANUAL;
                default -> Failback.window(java.time.LocalTime.of(22, 0), java.time.LocalTime.of(6, 0));
            };
            policies.put(gid, new GroupPolicy(rnd.nextInt(3) * 100, fb, rnd.nextInt(4),
                    Duration.ofMinutes(rnd.nextInt(3) * 5L), pick(rnd, OnFail.values()), col, rnd.nextInt(3),
                    rnd.nextInt(10) > 0));
        }
        ClusterOptions options = new ClusterOptions(pick(rnd, NoQuorumPolicy.values()), rnd.nextBoolean(),
                ZoneId.of("UTC"));
        FailoverConfig config = new FailoverConfig(resources, groups, policies, options);

        Map<NodeId, Map<ResourceId, ResourceState>> states = new LinkedHashMap<>();
        for (NodeId n : ids) {
            Map<ResourceId, ResourceState> m = new LinkedHashMap<>();
            for (ResourceId r : resources.keySet()) {
                if (rnd.nextInt(3) == 0) {
                    m.put(r, rnd.nextInt(3) == 0 ? pick(rnd, ResourceState.values()) : ResourceState.RUNNING);
                }
            }
            states.put(n, m);
        }
        Instant now = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(rnd.nextInt(86_400));
        List<Failure> failures = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            failures.add(new Failure(pick(rnd, ids.toArray(NodeId[]::new)),
                    pick(rnd, resources.keySet().toArray(ResourceId[]::new)), now.minusSeconds(rnd.nextInt(1200)),
                    "random failure"));
        }
        boolean quorate = rnd.nextInt(4) > 0;
        NodeId local = pick(rnd, ids.toArray(NodeId[]::new));
        QuorumState q = new QuorumState(local, quorate, quorate ? Optional.of(local) : Optional.empty(),
                new FencingEpoch(1 + rnd.nextInt(100)), nodes.keySet(), 1, 3, "random",
                !quorate && rnd.nextInt(3) == 0);
        java.util.Set<NodeId> covered = new java.util.LinkedHashSet<>();
        Map<NodeId, FencingView.FenceFailure> fenceFailures = new LinkedHashMap<>();
        for (NodeId n : ids) {
            if (rnd.nextBoolean()) {
                covered.add(n);
                if (rnd.nextInt(4) == 0) {
                    Instant at = now.minusSeconds(rnd.nextInt(10));
                    fenceFailures.put(n, new FencingView.FenceFailure(at, at.plusSeconds(5), "random fence failure"));
                }
            }
        }
        return new ClusterSnapshot(config, nodes, Map.of(), states, failures, now, q,
                new FencingView(covered, fenceFailures));
    }

    private static <T> T pick(Random rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
