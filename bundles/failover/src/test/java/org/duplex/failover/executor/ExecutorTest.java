package org.duplex.failover.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.history.History;
import org.duplex.failover.lock.LocalVolumeLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor on virtual time: timeouts and monitor intervals fire only when the test advances the clock. */
class ExecutorTest {

    private static final NodeId NODE1 = NodeId.of("node1");
    private static final Optional<ResourceId> GROUP = Optional.of(ResourceId.of("web"));
    private static final OperationTimeouts TIMEOUTS = new OperationTimeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1));

    private final VirtualScheduler clock = new VirtualScheduler();
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScriptedAgent agent = new ScriptedAgent();
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final List<String> unconfirmed = new CopyOnWriteArrayList<>();
    private final History history = new History(100);
    private final LocalVolumeLock volumes = new LocalVolumeLock();
    private final Executor executor = new Executor(NODE1, t -> t.equals("scripted") ? Optional.of(agent)
            : Optional.empty(), clock, workers, reports::add, history, Optional.of(volumes), unconfirmed::add);

    private final Resource app = new Resource(ResourceId.of("app"), "scripted", Map.of(), TIMEOUTS,
            Duration.ofSeconds(3));

    @AfterEach
    void stop() throws InterruptedException {
        executor.close();
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Operation op(Operation.Kind kind, Resource r, long epoch) {
        return new Operation(kind, r, GROUP, new FencingEpoch(epoch), "test");
    }

    private Report result(java.util.concurrent.CompletableFuture<Report> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void startThenMonitorAtItsIntervalReportsFailureOnce() throws Exception {
        Report started = result(executor.submit(op(Operation.Kind.START, app, 1)));
        assertThat(started.state()).isEqualTo(ResourceState.RUNNING);
        assertThat(executor.isMonitoring(app.id())).isTrue();

        clock.advance(Duration.ofMillis(2999));
        assertThat(agent.monitors.get()).isZero();
        clock.advance(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.monitors.get() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> clock.pending() == 1); // rescheduled

        agent.monitorResult = OcfStatus.NOT_RUNNING;
        clock.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 2);
        Report failed = reports.get(1);
        assertThat(failed.operation()).isEqualTo("monitor");
        assertThat(failed.state()).isEqualTo(ResourceState.FAILED);
        assertThat(failed.failure()).isTrue();
        assertThat(history.failures(NODE1, app.id())).hasSize(1);

        // still failing: no new report until the state changes again
        await().atMost(Duration.ofSeconds(5)).until(() -> clock.pending() == 1);
        clock.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.monitors.get() == 3);
        assertThat(reports).hasSize(2);
    }

    /** A node ending itself (SBD pill) stops what runs and starts nothing again before the process ends. */
    @Test
    void aSealedExecutorStillStopsButRefusesEveryStartAndProbe() throws Exception {
        result(executor.submit(op(Operation.Kind.START, app, 1)));
        executor.seal("poison pill");
        Report start = result(executor.submit(op(Operation.Kind.START, app, 2)));
        assertThat(start.result().status()).isEqualTo(OcfStatus.ERR_PERM);
        assertThat(start.result().reason()).contains("this node is ending itself (poison pill)");
        assertThat(result(executor.submit(op(Operation.Kind.PROBE, app, 2))).result().status())
                .isEqualTo(OcfStatus.ERR_PERM);
        Report stop = result(executor.submit(op(Operation.Kind.STOP, app, 2)));
        assertThat(stop.state()).isEqualTo(ResourceState.STOPPED);
    }

    @Test
    void startThatHangsTimesOutOnTheSchedulersClock() throws Exception {
        agent.hangStart = true;
        var f = executor.submit(op(Operation.Kind.START, app, 1));
        assertThat(agent.entered.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofMillis(4999));
        assertThat(f).isNotDone();
        clock.advance(Duration.ofMillis(1));
        Report r = result(f);
        assertThat(r.result().status()).isEqualTo(OcfStatus.TIMEOUT);
        assertThat(r.state()).isEqualTo(ResourceState.FAILED);
        assertThat(r.failure()).isTrue();
        assertThat(r.result().reason()).contains("did not finish within 5000 ms");
    }

    @Test
    void stopTimeoutIsEscalatedToKillAndConfirmedByProbe() throws Exception {
        result(executor.submit(op(Operation.Kind.START, app, 1)));
        agent.hangStop = true;
        agent.entered = new java.util.concurrent.CountDownLatch(1);
        var f = executor.submit(op(Operation.Kind.STOP, app, 1));
        assertThat(agent.entered.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        Report r = result(f);
        assertThat(agent.kills.get()).isEqualTo(1);
        assertThat(r.state()).isEqualTo(ResourceState.STOPPED);
        assertThat(r.result().reason()).contains("stopped after kill");
        assertThat(unconfirmed).isEmpty();
        assertThat(executor.isMonitoring(app.id())).isFalse();
    }

    @Test
    void stopThatCannotBeConfirmedIsBlockedNeverHangs() throws Exception {
        result(executor.submit(op(Operation.Kind.START, app, 1)));
        agent.hangStop = true;
        agent.killWorks = false;
        agent.entered = new java.util.concurrent.CountDownLatch(1);
        var f = executor.submit(op(Operation.Kind.STOP, app, 1));
        assertThat(agent.entered.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        Report r = result(f);
        assertThat(r.state()).isEqualTo(ResourceState.BLOCKED);
        assertThat(unconfirmed).singleElement().asString().contains("BLOCKED").contains("D state");
        assertThat(history.timeline(GROUP)).extracting(History.Entry::kind).contains(History.Kind.ESCALATION);
    }

    @Test
    void ordersFromAnOlderEpochAreRefused() throws Exception {
        result(executor.submit(op(Operation.Kind.START, app, 7)));
        Report refused = result(executor.submit(op(Operation.Kind.STOP, app, 6)));
        assertThat(refused.operation()).isEqualTo("refused");
        assertThat(refused.result().reason()).contains("epoch 6").contains("epoch 7 is newer");
        assertThat(agent.calls).doesNotContain("stop app");
        executor.observeEpoch(new FencingEpoch(9));
        assertThat(result(executor.submit(op(Operation.Kind.STOP, app, 8))).operation()).isEqualTo("refused");
        assertThat(result(executor.submit(op(Operation.Kind.STOP, app, 9))).state()).isEqualTo(ResourceState.STOPPED);
    }

    @Test
    void exclusiveVolumeIsTakenWithTheEpochAndGivenBackOnStop() throws Exception {
        Resource fs = new Resource(ResourceId.of("data"), "scripted", Map.of("volume", "vol0"), TIMEOUTS,
                Duration.ofSeconds(3));
        volumes.acquire("vol0", NodeId.of("node2"), new FencingEpoch(5), Duration.ofSeconds(1));

        Report stale = result(executor.submit(op(Operation.Kind.START, fs, 5)));
        assertThat(stale.state()).isEqualTo(ResourceState.FAILED);
        assertThat(stale.result().reason()).contains("held by node2 under epoch 5");
        assertThat(agent.calls).doesNotContain("start data");

        Report newer = result(executor.submit(op(Operation.Kind.START, fs, 6)));
        assertThat(newer.state()).isEqualTo(ResourceState.RUNNING);
        assertThat(volumes.holder("vol0")).hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo(NODE1));

        result(executor.submit(op(Operation.Kind.STOP, fs, 6)));
        assertThat(volumes.holder("vol0")).isEmpty();
    }

    @Test
    void operationsOnOneResourceNeverOverlap() throws Exception {
        agent.hangStart = true;
        var start = executor.submit(op(Operation.Kind.START, app, 1));
        var stop = executor.submit(op(Operation.Kind.STOP, app, 1));
        assertThat(agent.entered.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50); // would let a wrongly parallel stop reach the agent
        assertThat(agent.calls).containsExactly("start app");
        clock.advance(Duration.ofSeconds(5));
        result(start);
        result(stop);
        assertThat(agent.calls).startsWith("start app", "stop app");
    }

    @Test
    void unknownAgentTypeFailsWithAClearReason() throws Exception {
        Resource odd = Resource.of("odd", "nosuch", Map.of());
        Report r = result(executor.submit(op(Operation.Kind.START, odd, 1)));
        assertThat(r.result().status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(r.result().reason()).contains("no agent for type 'nosuch'");
    }

    @Test
    void anAgentThatRegistersLateIsAwaitedWithinTheOperationsTimeout() throws Exception {
        // a plug-in's agent appears after the failover bundle on a boot: the stop waits for it instead of failing
        // (a failed stop is a stop that could not be confirmed: the node would be fenced for nothing)
        java.util.concurrent.atomic.AtomicReference<ResourceAgent> late = new java.util.concurrent.atomic.AtomicReference<>();
        Executor booting = new Executor(NODE1, t -> t.equals("scripted") ? Optional.ofNullable(late.get())
                : Optional.empty(), clock, workers, reports::add, history, Optional.empty(), unconfirmed::add);
        booting.awaitMissingAgents(Duration.ofSeconds(60));
        try {
            var stop = booting.submit(op(Operation.Kind.STOP, app, 1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(stop).isNotDone();
            late.set(agent);
            clock.advance(Duration.ofMillis(100));
            Report r = result(stop);
            assertThat(r.state()).isEqualTo(ResourceState.STOPPED);
            assertThat(agent.calls).containsExactly("stop app");
            assertThat(unconfirmed).isEmpty();

            // never there: the stop fails with the old reason once its own timeout (5 s, under the 60 s) has passed
            Resource odd = new Resource(ResourceId.of("odd"), "nosuch", Map.of(), TIMEOUTS, Duration.ofSeconds(3));
            var never = booting.submit(op(Operation.Kind.STOP, odd, 1));
            clock.advance(Duration.ofMillis(4900));
            assertThat(never).isNotDone();
            clock.advance(Duration.ofMillis(200));
            Report failed = result(never);
            assertThat(failed.state()).isEqualTo(ResourceState.BLOCKED);
            assertThat(failed.result().reason()).contains("no agent for type 'nosuch' on node1 within 5s");
        } finally {
            booting.close();
        }
    }

    @Test
    void aProbeThatFindsItRunningAdoptsItAndMonitorsIt() throws Exception {
        // as after a restart of this node: the resource still runs, nothing monitors it
        Report probe = result(executor.submit(op(Operation.Kind.PROBE, app, 1)));
        assertThat(probe.state()).isEqualTo(ResourceState.RUNNING);
        assertThat(executor.isMonitoring(app.id())).isTrue();
        agent.monitorResult = OcfStatus.NOT_RUNNING;
        clock.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.stream().anyMatch(r -> r.failure()));
        Report gone = result(executor.submit(op(Operation.Kind.PROBE, app, 1)));
        assertThat(gone.state()).isEqualTo(ResourceState.STOPPED);
        assertThat(executor.isMonitoring(app.id())).isFalse();
    }

    @Test
    void aProbeThatFindsItFailedCountsAsAFailure() throws Exception {
        // the engine probes a resource whose failure expired while it still shows FAILED (issue 14): a probe
        // that finds it still failing must count, or the engine would probe it again and again
        agent.monitorResult = OcfStatus.ERR_GENERIC;
        Report probe = result(executor.submit(op(Operation.Kind.PROBE, app, 1)));
        assertThat(probe.state()).isEqualTo(ResourceState.FAILED);
        assertThat(probe.failure()).isTrue();
        agent.monitorResult = OcfStatus.NOT_RUNNING;
        assertThat(result(executor.submit(op(Operation.Kind.PROBE, app, 1))).failure()).isFalse();
    }

    @Test
    void historyIsBoundedPerNode() {
        History h = new History(3);
        for (int i = 0; i < 10; i++) {
            h.add(new History.Entry(clock.now().plusSeconds(i), NODE1, GROUP, Optional.empty(),
                    History.Kind.DECISION, "d" + i));
        }
        h.add(new History.Entry(clock.now(), NodeId.of("node2"), Optional.empty(), Optional.empty(),
                History.Kind.DECISION, "other"));
        assertThat(h.timeline(Optional.empty())).extracting(History.Entry::text)
                .containsExactly("other", "d7", "d8", "d9");
        assertThat(h.timeline(GROUP)).hasSize(3);
    }
    /**
     * A coordinator's probe is answered from what this executor itself established, without running the agent:
     * RUNNING while it monitors the resource, STOPPED after its own confirmed stop; the history says so.
     */
    @Test
    void aCoordinatorsProbeIsAnsweredFromTheExecutorsOwnRecord() throws Exception {
        assertThat(result(executor.submit(op(Operation.Kind.START, app, 1))).state()).isEqualTo(ResourceState.RUNNING);
        clock.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.monitors.get() == 1);
        Report running = result(executor.probe(op(Operation.Kind.PROBE, app, 2)));
        assertThat(running.state()).isEqualTo(ResourceState.RUNNING);
        assertThat(running.operation()).isEqualTo("probe");
        assertThat(running.result().reason()).startsWith("running (start ").contains("monitored every 3s",
                "last check passed 0 ms ago");
        assertThat(agent.monitors.get()).as("no agent call for the probe").isEqualTo(1);
        assertThat(reports).last().isEqualTo(running);

        assertThat(result(executor.submit(op(Operation.Kind.STOP, app, 2))).state()).isEqualTo(ResourceState.STOPPED);
        Report stopped = result(executor.probe(op(Operation.Kind.PROBE, app, 3)));
        assertThat(stopped.state()).isEqualTo(ResourceState.STOPPED);
        assertThat(stopped.result().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(stopped.result().reason()).startsWith("stopped (stop ");
        assertThat(agent.monitors.get()).isEqualTo(1);
        assertThat(history.timeline(Optional.empty())).anyMatch(e -> e.text().contains("answered from this node's record: stopped"));
        // the epoch of a probe answered from the record still counts: an older coordinator is refused after it
        assertThat(result(executor.submit(op(Operation.Kind.START, app, 2))).result().status())
                .isEqualTo(OcfStatus.ERR_PERM);
    }

    /** What the record cannot vouch for is probed for real by the agent. */
    @Test
    void aProbeTheRecordCannotAnswerRunsTheAgent() throws Exception {
        // never acted on here
        assertThat(result(executor.probe(op(Operation.Kind.PROBE, app, 1))).state()).isEqualTo(ResourceState.RUNNING);
        assertThat(agent.monitors.get()).isEqualTo(1);
        // the record now vouches (the probe found it running and adopted it)
        result(executor.probe(op(Operation.Kind.PROBE, app, 1)));
        assertThat(agent.monitors.get()).isEqualTo(1);
        // a changed definition (same id, other parameters) is not what the record describes
        Resource changed = new Resource(app.id(), "scripted", Map.of("ip", "10.0.0.9"), TIMEOUTS,
                Duration.ofSeconds(3));
        result(executor.probe(op(Operation.Kind.PROBE, changed, 1)));
        assertThat(agent.monitors.get()).isEqualTo(2);
        // failed: the monitor saw it die
        Resource other = new Resource(ResourceId.of("db"), "scripted", Map.of(), TIMEOUTS, Duration.ofSeconds(3));
        result(executor.submit(op(Operation.Kind.START, other, 1)));
        agent.monitorResult = OcfStatus.NOT_RUNNING;
        int before = agent.monitors.get();
        clock.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.stream().anyMatch(r -> r.resource().equals(other.id())
                && r.state() == ResourceState.FAILED));
        int afterMonitor = agent.monitors.get();
        assertThat(afterMonitor).isGreaterThan(before);
        Report probed = result(executor.probe(op(Operation.Kind.PROBE, other, 1)));
        assertThat(agent.monitors.get()).as("a real probe").isEqualTo(afterMonitor + 1);
        assertThat(probed.state()).isEqualTo(ResourceState.STOPPED);
        // a start or stop through probe() is just submitted
        assertThat(result(executor.probe(op(Operation.Kind.START, other, 1))).operation()).isEqualTo("start");
    }
}
