package org.duplex.failover.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.NodeRole;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;
import org.duplex.failover.fence.FenceDeviceConfig;
import org.duplex.failover.fence.FenceDeviceTypes;
import org.duplex.failover.fence.FenceDevices;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Action;
import org.duplex.failover.store.FileConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller with a real exec fencing device (a script whose exit code the test sets) and a virtual clock:
 * a failed fence blocks the group and is retried only after retry.interval; a successful fence is followed by
 * the starts elsewhere and clears the fenced node's resources.
 */
class FencingControllerTest {

    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ResourceId WEB = ResourceId.of("web");
    private static final ResourceId VIP = ResourceId.of("vip");
    private static final ResourceId APP = ResourceId.of("app");
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path dir;

    private final History history = new History(100);
    private final StateTable table = new StateTable(100);
    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final MutableClock clock = new MutableClock(T0);
    private final FenceDevices devices = new FenceDevices();
    private Path exitCode;
    private Path calls;
    private FailoverController controller;
    private volatile QuorumState quorum = new QuorumState(N2, true, Optional.of(N2), new FencingEpoch(5), Set.of(N2), 2,
            3, "2 of 3");
    private FileConfigStore store;

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Path cfg = dir.resolve("failover.conf");
        Files.writeString(cfg, String.join("\n",
                "resource vip type=vip ip=192.168.50.10 cidr=24 interface=eth0",
                "resource app type=process script=/opt/app/ocf",
                "group web resources=vip,app nodes=node1,node2 failback=manual", ""));
        store = new FileConfigStore(Optional.of(cfg));
        exitCode = dir.resolve("exit");
        calls = dir.resolve("calls");
        Path script = dir.resolve("fence.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1 $2\" >> " + calls + "\necho \"device says $(cat " + exitCode
                + ")\"\nexit $(cat " + exitCode + ")\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        controller = new FailoverController(store, new FailoverController.ClusterView() {
            @Override
            public QuorumState quorum() {
                return quorum;
            }

            @Override
            public Map<NodeId, Node> nodes() {
                return Map.copyOf(nodes);
            }

            @Override
            public Map<NodeId, String> notes() {
                return Map.of(N1, "silent on all 2 links since 11:59:58.0");
            }
        }, table, history, this::answer, devices, clock);
        nodes.put(N1, new Node(N1, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
        nodes.put(N2, new Node(N2, NodeRole.MEMBER, NodeMode.ONLINE, Liveness.ALIVE));
        // web ran on node1, nothing on node2
        for (ResourceId r : List.of(VIP, APP)) {
            table.apply(new Report(N1, r, Optional.of(WEB), "start", ok(), ResourceState.RUNNING, false, T0));
        }
        table.clearNode(N2);
    }

    private static OperationResult ok() {
        return OperationResult.of(OcfStatus.SUCCESS, "ok", Duration.ZERO);
    }

    /** Every order succeeds at once: starts run, stops and probes find nothing. */
    private CompletableFuture<Report> answer(NodeId node, Operation op) {
        sent.add(op.kind().name().toLowerCase() + " " + op.resource().id() + " on " + node);
        ResourceState st = op.kind() == Operation.Kind.START ? ResourceState.RUNNING : ResourceState.STOPPED;
        return CompletableFuture.completedFuture(new Report(node, op.resource().id(), op.group(),
                op.kind().name().toLowerCase(), ok(), st, false, clock.instant()));
    }

    private void device(String nodesCovered) {
        devices.add(FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "ipmi1", "type", "exec",
                "command", dir.resolve("fence.sh").toString(), "nodes", nodesCovered, "timeout", "5s",
                "retry.interval", "5s"))));
    }

    private List<String> fenceCalls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private List<String> fenceHistory() {
        return history.timeline(Optional.empty()).stream().filter(e -> e.kind() == History.Kind.FENCE)
                .map(History.Entry::text).toList();
    }

    @Test
    void failedFenceBlocksUntilTheRetrySucceedsThenStartsElsewhere() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "1");
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));

        FailoverController.RunResult first = controller.runOnce();
        assertThat(first.stoppedBecause()).hasValueSatisfying(s -> assertThat(s).contains("fencing node1 failed")
                .contains("ipmi1: off node1 -> exit 1").contains("device says 1"));
        assertThat(sent).as("nothing starts on node2 while node1 is not fenced").isEmpty();
        assertThat(fenceCalls()).containsExactly("off node1");
        assertThat(fenceHistory()).hasSize(2);
        assertThat(fenceHistory().get(0)).startsWith("fence attempt 1 of node1 [epoch 5]: level 1 ipmi1: off node1 "
                + "-> exit 1");
        assertThat(fenceHistory().get(1)).contains("fencing node1 FAILED [epoch 5]").contains("next attempt in 5000 ms");

        // before the retry is due: blocked with the reason, the device is not called again
        clock.advance(Duration.ofSeconds(2));
        FailoverController.RunResult waiting = controller.runOnce();
        assertThat(waiting.plan().actions()).extracting(Action::summary).containsExactly("block web on node1 (blocked)");
        assertThat(waiting.executed()).as("a block is no progress: no immediate new round (no busy loop)").isZero();
        assertThat(waiting.plan().actions().get(0).reason()).contains("web blocked: fencing node1 failed at 12:00:00.0")
                .contains("next attempt at 12:00:05.0");
        assertThat(controller.simulate(Optional.empty()).render()).contains("web blocked: fencing node1 failed");
        assertThat(fenceCalls()).hasSize(1);
        assertThat(sent).isEmpty();

        // the retry is due and the device now works: fence, then web starts on node2 in the same round
        clock.advance(Duration.ofSeconds(3));
        Files.writeString(exitCode, "0");
        FailoverController.RunResult fenced = controller.runOnce();
        assertThat(fenced.stoppedBecause()).isEmpty();
        assertThat(fenceCalls()).containsExactly("off node1", "off node1");
        assertThat(sent).containsExactly("start vip on node2", "start app on node2");
        assertThat(table.states().get(N1)).as("the fenced node's resources count as stopped").isNull();
        assertThat(fenceHistory()).last().asString().startsWith("fenced node1 [epoch 5]: level 1 ipmi1: off node1 -> exit 0")
                .contains("its resources count as stopped");
        assertThat(controller.fenceFailures()).isEmpty();

        assertThat(controller.runOnce().plan().actions()).as("settled: nothing fenced twice").isEmpty();
        assertThat(fenceCalls()).hasSize(2);

        // node1 comes back (unfenced by the operator): probed before anything, like a node never heard from
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.ALIVE));
        sent.clear();
        controller.runOnce();
        assertThat(sent).containsExactly("probe vip on node1", "probe app on node1");
    }

    @Test
    void aDeadNodeWithoutDeviceIsTrustedAsBefore() throws Exception {
        device("node2");
        Files.writeString(exitCode, "0");
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));

        FailoverController.RunResult r = controller.runOnce();

        assertThat(r.stoppedBecause()).isEmpty();
        assertThat(fenceCalls()).isEmpty();
        assertThat(sent).containsExactly("start vip on node2", "start app on node2");
        assertThat(controller.nodesWithoutFencing()).containsExactly(N1);
    }

    @Test
    void aPartitionedNodeRunningTheGroupIsFencedByTheQuorateSide() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "0");
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.PARTITIONED));

        FailoverController.RunResult r = controller.runOnce();

        assertThat(r.stoppedBecause()).isEmpty();
        assertThat(fenceCalls()).containsExactly("off node1");
        assertThat(sent).containsExactly("start vip on node2", "start app on node2");
        assertThat(controller.nodesWithoutFencing()).isEmpty();
    }

    @Test
    void withoutQuorumEvenIgnoringItNothingIsFencedAndNothingStartsBesideTheDeadNode() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "0");
        var cfg = store.load();
        store.save(cfg, cfg.withOptions(new org.duplex.failover.model.ClusterOptions(
                org.duplex.failover.model.NoQuorumPolicy.IGNORE, false, ZoneOffset.UTC)));
        quorum = new QuorumState(N2, false, Optional.empty(), new FencingEpoch(5), Set.of(N2), 1, 3, "1 of 3 votes");
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));

        FailoverController.RunResult r = controller.runOnce();

        assertThat(r.plan().actions()).extracting(Action::summary).startsWith("fence node1 (fence)");
        assertThat(r.stoppedBecause()).hasValueSatisfying(s -> assertThat(s).contains("needs the coordinator"));
        assertThat(fenceCalls()).isEmpty();
        assertThat(sent).isEmpty();
    }

    @Test
    void anOperatorFenceIsRecordedAndClearsTheNode() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "0");

        var results = devices.run(N1, org.duplex.failover.fence.FenceAction.OFF);
        controller.fencedByOperator(N1, "off", results.get(0).ok(), results.get(0).describe());

        assertThat(table.states().get(N1)).isNull();
        assertThat(fenceHistory()).singleElement().asString()
                .startsWith("ha:fence --action off node1 by the operator [epoch 5]: ipmi1: off node1 -> exit 0");
    }

    @Test
    void aFenceForTheDiskLeaseIsRecordedClearsTheNodeAndIsRemembered() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "0");
        long before = System.nanoTime();

        Fencer.Outcome o = controller.fenceForLease(N1, "node1 holds the disk lease but stopped renewing it");

        assertThat(o.fenced()).isTrue();
        assertThat(table.states().get(N1)).as("its resources count as stopped: the engine need not fence again")
                .isNull();
        assertThat(fenceHistory()).extracting(Object::toString).anySatisfy(l -> assertThat(l)
                .contains("fenced node1 for the disk lease [epoch 5]: level 1 ipmi1: off node1 -> exit 0"));
        assertThat(devices.confirmedSince(N1, before)).isPresent();
        assertThat(devices.confirmedSince(N1, System.nanoTime())).as("not before a later renewal").isEmpty();
        assertThat(devices.confirmedSince(N2, before)).isEmpty();
    }

    @Test
    void aFailedFenceForTheDiskLeaseLeavesTheNodeAsItWas() throws Exception {
        device("node1,node2");
        Files.writeString(exitCode, "1");
        long before = System.nanoTime();

        Fencer.Outcome o = controller.fenceForLease(N1, "stalled");

        assertThat(o.fenced()).isFalse();
        assertThat(devices.confirmedSince(N1, before)).isEmpty();
        assertThat(fenceHistory()).extracting(Object::toString).anySatisfy(l -> assertThat(l)
                .contains("fencing node1 for the disk lease FAILED"));
    }

    /** A second exec device at fencing level 2 (a "switch"), with its own exit code file. */
    private Path levelTwo(String exit) throws Exception {
        Path code = dir.resolve("exit2");
        Files.writeString(code, exit);
        Path script = dir.resolve("switch.sh");
        Files.writeString(script, "#!/bin/sh\necho \"switch $1 $2\" >> " + calls + "\necho \"switch says $(cat " + code
                + ")\"\nexit $(cat " + code + ")\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        devices.add(FenceDeviceTypes.create(FenceDeviceConfig.parse(Map.of("name", "aa-switch", "type", "exec",
                "command", script.toString(), "nodes", "node1,node2", "timeout", "5s", "retry.interval", "5s",
                "level", "2"))));
        return code;
    }

    @Test
    void everyLevelFailedMeansNothingStartsElsewhereAndEachAttemptIsInTheHistory() throws Exception {
        device("node1,node2");
        Path switchExit = levelTwo("1");
        Files.writeString(exitCode, "1");
        nodes.put(N1, nodes.get(N1).withLiveness(Liveness.DEAD));

        FailoverController.RunResult first = controller.runOnce();

        assertThat(fenceCalls()).as("level 1 (ipmi1) before level 2 (aa-switch), whatever the names")
                .containsExactly("off node1", "switch off node1");
        assertThat(sent).as("safety: no start beside a node no level fenced").isEmpty();
        assertThat(first.stoppedBecause()).hasValueSatisfying(s -> assertThat(s).contains("fencing node1 failed"));
        assertThat(fenceHistory()).hasSize(3);
        assertThat(fenceHistory().get(0)).startsWith("fence attempt 1 of node1 [epoch 5]: level 1 ipmi1: off node1 "
                + "-> exit 1");
        assertThat(fenceHistory().get(1)).startsWith("fence attempt 2 of node1 [epoch 5]: level 2 aa-switch: off "
                + "node1 -> exit 1");
        assertThat(fenceHistory().get(2)).contains("fencing node1 FAILED [epoch 5]");

        // at the retry the switch works: level 1 still fails, level 2 fences, then web starts on node2
        clock.advance(Duration.ofSeconds(5));
        Files.writeString(switchExit, "0");
        controller.runOnce();
        assertThat(sent).containsExactly("start vip on node2", "start app on node2");
        assertThat(fenceHistory()).last().asString().startsWith("fenced node1 [epoch 5]: level 1 ipmi1")
                .contains("level 2 aa-switch: off node1 -> exit 0");
    }
}
