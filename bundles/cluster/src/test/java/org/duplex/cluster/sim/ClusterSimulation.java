package org.duplex.cluster.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.config.PolicyConfig;
import org.duplex.cluster.core.ClusterCore;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.quorum.QuorumSettings;
import org.duplex.cluster.quorum.Tiebreaker;
import org.duplex.cluster.tiebreaker.DiskLeaseTiebreaker;
import org.duplex.cluster.tiebreaker.HolderFencing;
import org.duplex.cluster.tiebreaker.SharedLeaseDisk;

/**
 * A deterministic simulation of a Duplex cluster: virtual time, one seeded {@link Random}, the real
 * {@link ClusterCore} of every node, and a network given as a per-direction connectivity matrix. Membership views
 * are derived from the matrix the way JGroups' coordinator-driven GMS would form them (the lowest reachable node
 * gathers everyone it can reach both ways), and each node installs its view after its own random delay, so views
 * are inconsistent while they change. Faults: full partitions, one-way loss, flapping links, frozen nodes (their
 * clock keeps running, they do nothing), crashes and restarts with stale persisted state, disk path failures, and
 * concurrent configuration edits anywhere. Invariants are checked after every step.
 */
public final class ClusterSimulation {

    public enum Kind {
        /** 2 members, two_node mode, disk lease tiebreaker. */
        TWO_NODE_DISK(2),
        /** 2 members + 1 witness (votes only). */
        WITNESS(3),
        MAJORITY_3(3),
        MAJORITY_5(5),
        MAJORITY_32(32);

        final int size;

        Kind(int size) {
            this.size = size;
        }
    }

    static final long TRACE_FROM_MS = Long.getLong("sim.traceFromMs", -1);
    static final long STEP_NANOS = Duration.ofMillis(50).toNanos();
    /** In a stable full view the heavier node must hold the disk lease within this many steps (6 renew intervals). */
    static final int HANDOVER_STEPS = 12;
    /** Lease + margin: an uninterrupted quorate full view this long after healing counts as stable. */
    static final int SETTLE_STEPS = 24;

    private final long seed;
    private final Kind kind;
    private final Random rnd;
    private final List<SimNode> nodes = new ArrayList<>();
    private final boolean[][] link;
    private final SharedLeaseDisk disk = new SharedLeaseDisk();
    private final QuorumSettings settings;
    private final ClusterConfig bootstrap;
    private final List<String> log = new ArrayList<>();
    private final List<int[]> flapping = new ArrayList<>(); // {from, to, untilStep, period}
    private final Map<Set<NodeId>, String> viewIds = new HashMap<>();
    private final Set<String> establishedSeen = new HashSet<>();
    private long maxEstablishedEpoch;
    private long viewCounter;
    private long step;
    private long now;
    int edits;
    int appliedEdits;
    int terms;
    int holderChanges;
    int settlingSteps;
    int stableHandovers;
    private boolean healing;
    private long stableSinceStep = -1;
    private long fullSinceStep = -1;
    private long weightsChangedAtStep;
    private Optional<NodeId> lastRecordHolder = Optional.empty();
    /** Two-node disk runs only, two in three: a power switch the lease may use to fence a silent holder. */
    private final boolean fencing;
    int fences;
    private final List<PendingFence> pendingFences = new ArrayList<>();

    /** A fence under way: the switch powers {@code target} off at {@code dueStep} (or fails). */
    private record PendingFence(SimHolderFencing requester, NodeId target, long dueStep) {
    }

    /** One node incarnation's view of the power switch, as {@link org.duplex.cluster.tiebreaker.DeviceHolderFencing}. */
    private final class SimHolderFencing implements HolderFencing {
        private final NodeId self;
        private final Map<NodeId, State> states = new HashMap<>();
        private final Map<NodeId, Long> confirmedAt = new HashMap<>();

        SimHolderFencing(NodeId self) {
            this.self = self;
        }

        @Override
        public void request(NodeId node, long notBeforeNanos, String reason) {
            State st = state(node, notBeforeNanos);
            if (st.status() == Status.RUNNING || st.status() == Status.CONFIRMED) {
                return;
            }
            states.put(node, new State(Status.RUNNING, "fencing"));
            pendingFences.add(new PendingFence(this, node, step + 1 + rnd.nextInt(4)));
            event(self + " asks the switch to fence " + node + ": " + reason);
        }

        @Override
        public State state(NodeId node, long notBeforeNanos) {
            State st = states.getOrDefault(node, new State(Status.NONE, "not fenced"));
            if (st.status() == Status.CONFIRMED && confirmedAt.get(node) < notBeforeNanos) {
                return new State(Status.NONE, "fenced before its latest renewal");
            }
            return st;
        }
    }

    public ClusterSimulation(long seed, Kind kind) {
        this.seed = seed;
        this.kind = kind;
        this.rnd = new Random(seed);
        int n = kind.size;
        link = new boolean[n][n];
        for (boolean[] row : link) {
            java.util.Arrays.fill(row, true);
        }
        List<NodeConfig> configured = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean witness = kind == Kind.WITNESS && i == n - 1;
            NodeId id = NodeId.of(String.format(witness ? "w%02d" : "n%02d", i + 1));
            nodes.add(new SimNode(id, i));
            configured.add(new NodeConfig(id.value(), witness ? NodeRole.WITNESS : NodeRole.MEMBER, 1,
                    NodeMode.ONLINE, null));
        }
        bootstrap = ClusterConfig.initial("sim", configured);
        boolean waitForAll = kind == Kind.TWO_NODE_DISK || rnd.nextBoolean();
        settings = new QuorumSettings(0, kind == Kind.TWO_NODE_DISK, waitForAll, NoQuorumPolicy.STOP);
        fencing = kind == Kind.TWO_NODE_DISK && rnd.nextInt(3) != 0;
        for (SimNode node : nodes) {
            start(node);
        }
    }

    public static ClusterSimulation forSeed(long seed) {
        Kind[] weighted = {Kind.TWO_NODE_DISK, Kind.TWO_NODE_DISK, Kind.TWO_NODE_DISK, Kind.WITNESS, Kind.WITNESS,
                Kind.MAJORITY_3, Kind.MAJORITY_3, Kind.MAJORITY_5, Kind.MAJORITY_5, Kind.MAJORITY_32};
        Kind kind = weighted[(int) Math.floorMod(seed * 0x9E3779B97F4A7C15L >>> 7, (long) weighted.length)];
        return new ClusterSimulation(seed, kind);
    }

    public Kind kind() {
        return kind;
    }

    private void start(SimNode node) {
        Tiebreaker tb = Tiebreaker.NONE;
        node.lease = null;
        if (kind == Kind.TWO_NODE_DISK) {
            node.lease = new DiskLeaseTiebreaker(node.id, disk.viewFor(node.id, () -> node.diskUp, (writer, r) -> { }), Duration.ofMillis(100),
                    Duration.ofMillis(1000), Duration.ofMillis(200), () -> node.weight);
            if (fencing) {
                node.lease.useFencing(new SimHolderFencing(node.id), Duration.ofMillis(200));
            }
            tb = node.lease;
        }
        try {
            node.core = new ClusterCore(node.id, bootstrap, settings, tb, node.epochStore, node.configStore,
                    () -> now, (target, msg) -> send(node, target, msg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.core.setTermDeadline(Duration.ofMillis(250));
        node.running = true;
        node.restartAtStep = -1;
        node.pendingView = null;
        node.inbox.clear();
    }

    private void send(SimNode from, Optional<NodeId> target, ClusterMessage msg) {
        List<NodeId> to = target.map(List::of).orElse(from.core.view().members());
        for (NodeId t : to) {
            SimNode r = node(t);
            if (r == from || !link[from.index][r.index] || !r.running || r.frozen(step)) {
                continue;
            }
            r.inbox.add(new SimNode.Envelope(step + 1 + (rnd.nextInt(4) == 0 ? 1 : 0), msg));
        }
    }

    private SimNode node(NodeId id) {
        for (SimNode n : nodes) {
            if (n.id.equals(id)) {
                return n;
            }
        }
        throw new IllegalArgumentException(id.toString());
    }

    /** Runs the chaos phase then a healed phase; returns normally or throws {@link AssertionError} with the seed. */
    public void run(int chaosSteps, int healSteps) {
        try {
            for (int i = 0; i < chaosSteps; i++) {
                chaos();
                advance();
            }
            healAll();
            healing = true;
            for (int i = 0; i < healSteps; i++) {
                maybeChangeWeight();
                advance();
            }
            checkConverged();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("simulation seed " + seed + " (" + kind + ") failed at step " + step + " (t="
                    + now / 1_000_000 + " ms): " + e.getMessage() + "\nreplay: -Dsim.seed=" + seed
                    + "\nlast events:\n  " + String.join("\n  ", log.subList(Math.max(0, log.size() - 40),
                    log.size())), e);
        }
    }

    private void event(String what) {
        log.add("t=" + now / 1_000_000 + "ms " + what);
    }

    private void chaos() {
        int n = nodes.size();
        if (rnd.nextInt(100) < 3) {
            switch (rnd.nextInt(9)) {
                case 0, 1 -> {
                    Set<Integer> side = new HashSet<>();
                    for (int i = 0; i < n; i++) {
                        if (rnd.nextBoolean()) {
                            side.add(i);
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            if (side.contains(i) != side.contains(j)) {
                                link[i][j] = false;
                            }
                        }
                    }
                    event("partition " + side);
                }
                case 2 -> {
                    for (boolean[] row : link) {
                        java.util.Arrays.fill(row, true);
                    }
                    flapping.clear();
                    event("heal network");
                }
                case 3 -> {
                    int a = rnd.nextInt(n);
                    int b = rnd.nextInt(n);
                    if (a != b) {
                        link[a][b] = false;
                        event("one-way loss " + nodes.get(a).id + " -> " + nodes.get(b).id);
                    }
                }
                case 4 -> {
                    int a = rnd.nextInt(n);
                    int b = rnd.nextInt(n);
                    if (a != b) {
                        flapping.add(new int[] {a, b, (int) step + 40 + rnd.nextInt(200), 1 + rnd.nextInt(8)});
                        event("flapping " + nodes.get(a).id + " <-> " + nodes.get(b).id);
                    }
                }
                case 5 -> {
                    SimNode v = nodes.get(rnd.nextInt(n));
                    if (v.running && !v.frozen(step)) {
                        v.frozenUntilStep = step + 10 + rnd.nextInt(120);
                        event("freeze " + v.id + " until t=" + v.frozenUntilStep * 50 + "ms");
                    }
                }
                case 6 -> {
                    SimNode v = nodes.get(rnd.nextInt(n));
                    if (v.running) {
                        v.running = false;
                        v.frozenUntilStep = -1;
                        v.inbox.clear();
                        event("crash " + v.id);
                    } else {
                        start(v);
                        event("restart " + v.id + " with persisted config v" + v.core.config().version()
                                + " epoch " + v.core.knownEpoch());
                    }
                }
                case 7 -> {
                    SimNode v = nodes.get(rnd.nextInt(n));
                    v.diskUp = !v.diskUp;
                    event("disk path " + (v.diskUp ? "restored" : "failed") + " on " + v.id);
                }
                default -> {
                    // concurrent edits: one on each side of whatever split exists
                    edit(nodes.get(rnd.nextInt(n)));
                    edit(nodes.get(rnd.nextInt(n)));
                }
            }
        }
        if (rnd.nextInt(100) < 4) {
            edit(nodes.get(rnd.nextInt(n)));
        }
        maybeChangeWeight();
        for (Iterator<int[]> it = flapping.iterator(); it.hasNext(); ) {
            int[] f = it.next();
            if (step >= f[2]) {
                link[f[0]][f[1]] = link[f[1]][f[0]] = true;
                it.remove();
            } else if (step % f[3] == 0) {
                boolean up = !link[f[0]][f[1]];
                link[f[0]][f[1]] = link[f[1]][f[0]] = up;
            }
        }
    }

    /** Groups move: a random node's weight changes (two-node disk runs only, so other kinds keep their seeds). */
    private void maybeChangeWeight() {
        if (kind != Kind.TWO_NODE_DISK || rnd.nextInt(100) >= 2) {
            return;
        }
        SimNode v = nodes.get(rnd.nextInt(nodes.size()));
        int w = rnd.nextInt(3);
        if (w != v.weight) {
            v.weight = w;
            weightsChangedAtStep = step;
            event("weight of " + v.id + " is now " + w + " (" + nodes.stream().map(x -> x.id + "=" + x.weight)
                    .toList() + ")");
        }
    }

    private void edit(SimNode v) {
        if (!v.active(step)) {
            return;
        }
        edits++;
        ClusterConfig c = v.core.config();
        ClusterConfig changed = rnd.nextBoolean()
                ? c.withPolicies(new PolicyConfig(NoQuorumPolicy.STOP, rnd.nextInt(1000), 3))
                : c.withNodeMode(nodes.get(rnd.nextInt(nodes.size())).id,
                rnd.nextBoolean() ? NodeMode.STANDBY : NodeMode.ONLINE);
        var r = v.core.propose(changed);
        if (r.ok()) {
            appliedEdits++;
        }
        event("edit on " + v.id + ": " + r.status() + " " + r.message());
    }

    private void healAll() {
        for (boolean[] row : link) {
            java.util.Arrays.fill(row, true);
        }
        flapping.clear();
        for (SimNode v : nodes) {
            v.diskUp = true;
            v.frozenUntilStep = -1;
            if (!v.running) {
                start(v);
            }
        }
        event("heal everything");
    }

    private void advance() {
        step++;
        now += STEP_NANOS;
        runFences();
        formViews();
        List<SimNode> order = new ArrayList<>(nodes);
        Collections.shuffle(order, rnd);
        for (SimNode v : order) {
            if (!v.active(step)) {
                continue;
            }
            if (v.pendingView != null && step >= v.pendingViewAtStep) {
                v.core.onView(v.pendingView);
                v.pendingView = null;
            }
            List<SimNode.Envelope> due = new ArrayList<>();
            for (Iterator<SimNode.Envelope> it = v.inbox.iterator(); it.hasNext(); ) {
                SimNode.Envelope e = it.next();
                if (e.deliverAtStep() <= step) {
                    due.add(e);
                    it.remove();
                }
            }
            for (SimNode.Envelope e : due) {
                v.core.onMessage(e.message());
            }
            v.core.tick();
        }
        checkInvariants();
    }

    /**
     * The power switch: a due fence fails one time in ten, else powers the target off (a crash; a frozen node too)
     * and then confirms. While healing, a fenced node is powered on again 10 steps later, as an operator would.
     */
    private void runFences() {
        for (Iterator<PendingFence> it = pendingFences.iterator(); it.hasNext(); ) {
            PendingFence f = it.next();
            if (f.dueStep() > step) {
                continue;
            }
            it.remove();
            if (rnd.nextInt(10) == 0) {
                f.requester().states.put(f.target(), new HolderFencing.State(HolderFencing.Status.FAILED,
                        "simulated device failure"));
                event("fencing " + f.target() + " failed");
                continue;
            }
            SimNode v = node(f.target());
            v.running = false;
            v.frozenUntilStep = -1;
            v.inbox.clear();
            v.restartAtStep = healing ? step + 10 : -1;
            fences++;
            f.requester().states.put(f.target(), new HolderFencing.State(HolderFencing.Status.CONFIRMED, "off"));
            f.requester().confirmedAt.put(f.target(), now);
            event("fenced " + f.target() + " (powered off)");
        }
        for (SimNode v : nodes) {
            if (!v.running && v.restartAtStep >= 0 && step >= v.restartAtStep) {
                start(v);
                event("restart fenced " + v.id);
            }
        }
    }

    /** JGroups-like: the lowest unassigned visible node gathers every node it reaches both ways. */
    private void formViews() {
        List<SimNode> visible = nodes.stream().filter(v -> v.active(step)).toList();
        Set<SimNode> assigned = new HashSet<>();
        Map<Set<NodeId>, String> ids = new HashMap<>();
        // insertion order: random view delays are drawn while iterating, and SimNode hashes by identity, so a
        // HashMap made a seed replay differently alone than inside a batch
        Map<SimNode, MembershipView> target = new java.util.LinkedHashMap<>();
        for (SimNode c : visible) {
            if (assigned.contains(c)) {
                continue;
            }
            List<SimNode> members = new ArrayList<>();
            for (SimNode m : visible) {
                if (!assigned.contains(m) && (m == c || link[c.index][m.index] && link[m.index][c.index])) {
                    members.add(m);
                }
            }
            assigned.addAll(members);
            Set<NodeId> set = new TreeSet<>();
            members.forEach(m -> set.add(m.id));
            String id = viewIds.get(set);
            if (id == null) {
                id = "v" + (++viewCounter);
            }
            ids.put(set, id);
            MembershipView view = new MembershipView(id, new ArrayList<>(set));
            members.forEach(m -> target.put(m, view));
        }
        viewIds.clear();
        viewIds.putAll(ids);
        for (Map.Entry<SimNode, MembershipView> e : target.entrySet()) {
            SimNode v = e.getKey();
            MembershipView t = e.getValue();
            if (v.core.view().id().equals(t.id())) {
                v.pendingView = null;
            } else if (v.pendingView == null || !v.pendingView.id().equals(t.id())) {
                v.pendingView = t;
                // excluding a member takes failure detection (>= 300 ms, longer than the 250 ms term deadline, as
                // fd.timeout.ms > term deadline in the real node); joins and merges are faster
                boolean removes = !t.members().containsAll(v.core.view().members());
                v.pendingViewAtStep = step + (removes ? 6 + rnd.nextInt(4) : 1 + rnd.nextInt(4));
            }
        }
    }

    private void checkInvariants() {
        List<SimNode> active = nodes.stream().filter(v -> v.active(step)).toList();
        Map<SimNode, QuorumState> states = new HashMap<>();
        for (SimNode v : active) {
            states.put(v, v.core.state());
            if (TRACE_FROM_MS >= 0 && now / 1_000_000 >= TRACE_FROM_MS) {
                QuorumState st = states.get(v);
                event("trace " + v.id + " view " + v.core.view().id() + st.members() + " quorate=" + st.quorate()
                        + " coord=" + st.coordinator().orElse(null) + " epoch=" + st.epoch().value()
                        + " established=" + v.core.establishedEpoch() + " reason=" + st.reason());
            }
        }
        List<SimNode> quorate = active.stream().filter(v -> states.get(v).quorate()).toList();
        for (int i = 0; i < quorate.size(); i++) {
            for (int j = i + 1; j < quorate.size(); j++) {
                SimNode a = quorate.get(i);
                SimNode b = quorate.get(j);
                Set<NodeId> va = states.get(a).members();
                Set<NodeId> vb = states.get(b).members();
                boolean disjoint = Collections.disjoint(va, vb);
                boolean notMutual = !va.contains(b.id) || !vb.contains(a.id);
                if (disjoint || kind == Kind.TWO_NODE_DISK && notMutual) {
                    throw new AssertionError("two quorate partitions: " + a.id + " " + va + " (" + states.get(a)
                            .reason() + ") and " + b.id + " " + vb + " (" + states.get(b).reason() + ")");
                }
            }
        }
        for (SimNode v : active) {
            QuorumState s = states.get(v);
            if (s.settling()) {
                // "keep what runs here": only a lease holder may say so, and nobody that excludes it is quorate
                if (v.lease == null || !v.lease.holdsValidLease(now)) {
                    throw new AssertionError(v.id + " settling without a valid disk lease: " + s.reason());
                }
                for (SimNode o : quorate) {
                    if (!states.get(o).members().contains(v.id)) {
                        throw new AssertionError(v.id + " settling while " + o.id + " " + states.get(o).members()
                                + " is quorate without it");
                    }
                }
                settlingSteps++;
            }
            if (s.isCoordinator()) {
                if (!settings.twoNode() && s.votes() * 2 <= s.expectedVotes()) {
                    throw new AssertionError("coordinator " + v.id + " in a minority: " + s);
                }
                if (!v.core.isEstablishedCoordinator()) {
                    throw new AssertionError("coordinator " + v.id + " without an established term");
                }
            }
            if (v.core.isEstablishedCoordinator()) {
                String key = v.id + "/" + v.core.view().id() + "/" + v.core.establishedEpoch();
                if (establishedSeen.add(key)) {
                    terms++;
                    long e = v.core.establishedEpoch();
                    if (e <= maxEstablishedEpoch) {
                        throw new AssertionError("epoch did not increase: " + v.id + " established term " + e
                                + " after term " + maxEstablishedEpoch + " existed");
                    }
                    maxEstablishedEpoch = e;
                    event(v.id + " coordinator of " + v.core.view().members() + " epoch " + e);
                }
            }
        }
        for (SimNode v : nodes) {
            if (!v.running) {
                continue;
            }
            long e = v.core.knownEpoch();
            if (e < v.lastEpoch) {
                throw new AssertionError(v.id + " epoch went backwards " + v.lastEpoch + " -> " + e);
            }
            v.lastEpoch = e;
            ClusterConfig c = v.core.config();
            if (c.version() < v.lastConfigVersion
                    || c.version() == v.lastConfigVersion && c.epoch() < v.lastConfigEpoch) {
                throw new AssertionError(v.id + " configuration went backwards v" + v.lastConfigVersion + "@"
                        + v.lastConfigEpoch + " -> v" + c.version() + "@" + c.epoch());
            }
            v.lastConfigVersion = c.version();
            v.lastConfigEpoch = c.epoch();
        }
        if (kind == Kind.TWO_NODE_DISK) {
            long holders = nodes.stream().filter(v -> v.running && v.lease != null && v.lease.holdsValidLease(now))
                    .count();
            if (holders > 1) {
                throw new AssertionError("two nodes hold a valid disk lease at once");
            }
            Optional<NodeId> holder = disk.record().map(r -> r.holder());
            if (!holder.equals(lastRecordHolder)) {
                if (lastRecordHolder.isPresent()) {
                    holderChanges++;
                    if (stableSinceStep >= 0) {
                        stableHandovers++;
                    }
                }
                event("lease record names " + holder.orElse(null));
                lastRecordHolder = holder;
            }
            if (healing) {
                checkStableHandover(states);
            }
        }
    }

    /**
     * Healed network, both nodes in one full view and quorate without a break for lease + margin (so what a fault
     * left behind, such as a lease that could not be renewed while its disk path was down, has played out): from
     * then on neither may lose quorum (the lease moving between them included), and the heavier node must hold
     * the lease within {@link #HANDOVER_STEPS} of the view becoming stable or the weights changing.
     */
    private void checkStableHandover(Map<SimNode, QuorumState> states) {
        boolean full = nodes.stream().allMatch(v -> v.active(step) && states.get(v).quorate()
                && v.core.view().members().size() == nodes.size()
                && v.core.view().id().equals(nodes.get(0).core.view().id()));
        if (stableSinceStep < 0) {
            if (!full) {
                fullSinceStep = -1;
                return;
            }
            if (fullSinceStep < 0) {
                fullSinceStep = step;
            }
            if (step - fullSinceStep >= SETTLE_STEPS) {
                stableSinceStep = step;
                event("stable full view, both quorate; weights " + nodes.stream().map(x -> x.id + "=" + x.weight)
                        .toList());
            }
            return;
        }
        for (SimNode v : nodes) {
            QuorumState s = v.core.state();
            if (!s.quorate()) {
                throw new AssertionError(v.id + " lost quorum in a stable full view: " + s.reason());
            }
        }
        SimNode a = nodes.get(0);
        SimNode b = nodes.get(1);
        if (a.weight == b.weight) {
            return;
        }
        SimNode heavier = a.weight > b.weight ? a : b;
        long since = Math.max(stableSinceStep, weightsChangedAtStep);
        if (!heavier.lease.holdsValidLease(now) && step - since > HANDOVER_STEPS) {
            throw new AssertionError("heavier node " + heavier.id + " (weights " + nodes.stream()
                    .map(x -> x.id + "=" + x.weight).toList() + ") does not hold the disk lease "
                    + (step - since) * STEP_NANOS / 1_000_000 + " ms into a stable full view; record holder "
                    + disk.record().map(r -> r.holder()).orElse(null));
        }
    }


    private void checkConverged() {
        Set<String> viewsSeen = new HashSet<>();
        Set<Long> versions = new HashSet<>();
        int coordinators = 0;
        for (SimNode v : nodes) {
            QuorumState s = v.core.state();
            viewsSeen.add(v.core.view().id());
            versions.add(v.core.config().version());
            if (!s.quorate()) {
                throw new AssertionError("after healing, " + v.id + " is not quorate: " + s.reason());
            }
            if (s.members().size() != nodes.size()) {
                throw new AssertionError("after healing, " + v.id + " sees only " + s.members());
            }
            if (s.coordinator().isEmpty()) {
                throw new AssertionError("after healing, " + v.id + " knows no coordinator");
            }
            if (s.isCoordinator()) {
                coordinators++;
            }
        }
        if (viewsSeen.size() != 1 || coordinators != 1 || versions.size() != 1) {
            throw new AssertionError("after healing: views " + viewsSeen + ", coordinators " + coordinators
                    + ", config versions " + versions);
        }
    }

    /**
     * Failover timing in virtual time: crash the coordinator of a converged cluster and count until every survivor
     * is quorate with a new coordinator. Detection is modelled by the 1-4 step (50-200 ms) view delivery delay.
     */
    public List<Double> failoverTrials(int trials) {
        List<Double> out = new ArrayList<>();
        awaitConverged();
        for (int t = 0; t < trials; t++) {
            SimNode victim = nodes.stream().filter(v -> v.core.state().isCoordinator()).findFirst().orElseThrow();
            victim.running = false;
            victim.inbox.clear();
            long t0 = now;
            for (int i = 0; i < 2000; i++) {
                advance();
                boolean done = nodes.stream().filter(v -> v.running).allMatch(v -> {
                    QuorumState st = v.core.state();
                    return st.quorate() && !st.members().contains(victim.id) && st.coordinator().isPresent();
                });
                if (done) {
                    break;
                }
            }
            out.add((now - t0) / 1e6);
            start(victim);
            awaitConverged();
        }
        return out;
    }

    private void awaitConverged() {
        for (int i = 0; i < 4000; i++) {
            advance();
            boolean ok = nodes.stream().allMatch(v -> {
                QuorumState st = v.core.state();
                return st.quorate() && st.members().size() == nodes.size() && st.coordinator().isPresent();
            });
            if (ok) {
                return;
            }
        }
        throw new AssertionError("cluster did not converge");
    }

    public String summary() {
        return kind + " seed " + seed + ": " + terms + " terms, " + appliedEdits + "/" + edits + " edits accepted"
                + (kind == Kind.TWO_NODE_DISK ? ", " + holderChanges + " lease holder changes, " + stableHandovers
                + " handovers in a stable view" : "");
    }
}
