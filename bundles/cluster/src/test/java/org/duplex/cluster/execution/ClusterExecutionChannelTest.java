package org.duplex.cluster.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The channel's logic with an in-memory outbox (no network): what it sends, refuses and fails. */
class ClusterExecutionChannelTest {

    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<ClusterMessage> sent = new ArrayList<>();
    private volatile long configVersion = 3;
    private MembershipView view = new MembershipView("v1", List.of(N1, N2));
    private final ClusterExecutionChannel channel = new ClusterExecutionChannel(N1, () -> view, () -> 5,
            () -> configVersion,
            (to, m) -> sent.add(m), timer, Duration.ofMinutes(5), () -> Instant.EPOCH);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static ResourceCommand start(long epoch) {
        return new ResourceCommand(ResourceCommand.Kind.START, ResourceId.of("vip"), Optional.empty(),
                new FencingEpoch(epoch), "test");
    }

    @Test
    void aTargetOutsideTheViewFailsAtOnceAndNothingIsSent() {
        CompletableFuture<ResourceReport> f = channel.send(NodeId.of("n3"), start(5));
        assertThat(f).isCompletedExceptionally();
        assertThat(sent).isEmpty();
    }

    @Test
    void aPendingOrderFailsWhenItsTargetLeavesTheView() {
        CompletableFuture<ResourceReport> f = channel.send(N2, start(5));
        assertThat(sent).singleElement().isInstanceOf(ClusterMessage.ExecOrder.class);
        assertThat(f).isNotDone();
        channel.onView(new MembershipView("v2", List.of(N1)));
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void ordersToSelfRunLocallyAndStaleOnesAreRefused() {
        List<ResourceCommand> run = new ArrayList<>();
        channel.serve(c -> {
            run.add(c);
            return new CompletableFuture<>();
        });
        assertThat(channel.send(N1, start(4)).join().operation()).isEqualTo("refused"); // cluster epoch is 5
        channel.send(N1, start(7));
        assertThat(channel.newestEpoch()).isEqualTo(7);
        assertThat(channel.send(N1, start(6)).join().result().reason()).contains("stale fencing epoch 6 < 7");
        assertThat(run).containsExactly(start(7));
    }

    @Test
    void anOrderWithoutAnExecutorIsAnsweredRefusedAndAMalformedOneIsDropped() {
        channel.onMessage(ExecutionWire.order(N2, "v1", 9, start(5), 3));
        ClusterMessage.ExecReport answer = (ClusterMessage.ExecReport) sent.get(0);
        assertThat(answer.requestId()).isEqualTo(9);
        assertThat(answer.operation()).isEqualTo("refused");
        assertThat(answer.detail()).contains("no executor");

        sent.clear();
        assertThat(channel.onMessage(new ClusterMessage.ExecOrder(N2, "v1", 10, "BOOM", "vip", "", 5, "", 0)))
                .isTrue();
        assertThat(sent).isEmpty();
        assertThat(channel.onMessage(new ClusterMessage.TermAck(N2, "v1", 5))).isFalse();
    }

    @Test
    void aReportAnswersOnlyTheOrderItsTargetWasSent() {
        CompletableFuture<ResourceReport> f = channel.send(N2, start(5));
        long id = ((ClusterMessage.ExecOrder) sent.get(0)).requestId();
        ResourceReport r = new ResourceReport(N2, ResourceId.of("vip"), Optional.empty(), "start",
                org.duplex.api.agent.OperationResult.success("ok", Duration.ZERO),
                org.duplex.api.model.ResourceState.RUNNING, false, Instant.EPOCH);
        channel.onMessage(ExecutionWire.report(NodeId.of("n3"), "v1", id, r)); // wrong sender: ignored
        assertThat(f).isNotDone();
        channel.onMessage(ExecutionWire.report(N2, "v1", id, r));
        assertThat(f).isCompletedWithValue(r);
    }

    @Test
    void anOrderWaitsForTheConfigurationVersionItsSenderHad() {
        List<ResourceCommand> run = new java.util.concurrent.CopyOnWriteArrayList<>();
        channel.serve(c -> {
            run.add(c);
            return new CompletableFuture<>();
        });
        channel.onMessage(ExecutionWire.order(N2, "v1", 11, start(5), 4)); // this node has version 3
        org.awaitility.Awaitility.await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
                .until(run::isEmpty);
        configVersion = 4; // the commit arrives
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> run.size() == 1);
    }

    @Test
    void anOrderRunsAnywayWhenTheConfigurationNeverComes() {
        List<ResourceCommand> run = new java.util.concurrent.CopyOnWriteArrayList<>();
        channel.serve(c -> {
            run.add(c);
            return new CompletableFuture<>();
        });
        channel.onMessage(ExecutionWire.order(N2, "v1", 12, start(5), 99));
        org.awaitility.Awaitility.await().atMost(ClusterExecutionChannel.CONFIG_WAIT.plusSeconds(2))
                .until(() -> run.size() == 1);
    }
}
