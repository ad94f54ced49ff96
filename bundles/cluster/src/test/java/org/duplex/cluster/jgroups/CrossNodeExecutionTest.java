package org.duplex.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.cluster.runtime.ClusterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real cluster nodes in this JVM, on real JGroups channels over loopback: the coordinator's orders reach the
 * other node's executor and its report comes back, stale epochs are refused, and a failover configuration saved on
 * one node is seen by the other node's store.
 */
class CrossNodeExecutionTest {

    @TempDir
    Path dir;

    private InJvmNodes nodes;
    private ClusterNode n1;
    private ClusterNode n2;

    @BeforeEach
    void start() throws Exception {
        nodes = new InJvmNodes(dir);
        ProcessCluster ports = new ProcessCluster(dir);
        String members = ports.members(2, null);
        n1 = node("n1", ports.port(0), members);
        n2 = node("n2", ports.port(1), members);
        await().atMost(Duration.ofSeconds(20)).until(() -> n1.state().quorate() && n2.state().quorate()
                && n1.coordinator().isPresent() && n1.coordinator().equals(n2.coordinator())
                && n1.state().epoch().equals(n2.state().epoch()));
    }

    private ClusterNode node(String id, int port, String members) throws Exception {
        return nodes.start(id, port, members, Map.of());
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    private static ResourceCommand order(ResourceCommand.Kind kind, long epoch) {
        return new ResourceCommand(kind, ResourceId.of("vip"), Optional.of(ResourceId.of("web")),
                new FencingEpoch(epoch), "test order");
    }

    /** An executor stub: answers every order as RUNNING (start/probe) or STOPPED (stop), and records it. */
    private static AutoCloseable stub(ClusterNode node, List<ResourceCommand> seen) {
        return node.executionChannel().serve(c -> {
            seen.add(c);
            return CompletableFuture.completedFuture(new ResourceReport(node.core().self(), c.resource(), c.group(),
                    c.kind().name().toLowerCase(), OperationResult.success("stub " + c.kind(), Duration.ofMillis(3)),
                    c.kind() == ResourceCommand.Kind.STOP ? ResourceState.STOPPED : ResourceState.RUNNING, false,
                    Instant.ofEpochMilli(1234)));
        });
    }

    @Test
    void orderReachesTheOtherNodesExecutorAndItsReportComesBack() throws Exception {
        List<ResourceCommand> seen = new CopyOnWriteArrayList<>();
        stub(n2, seen);
        long epoch = n1.state().epoch().value();

        ResourceReport r = n1.executionChannel().send(NodeId.of("n2"), order(ResourceCommand.Kind.START, epoch))
                .get(5, TimeUnit.SECONDS);

        assertThat(seen).containsExactly(order(ResourceCommand.Kind.START, epoch));
        assertThat(r.node()).isEqualTo(NodeId.of("n2"));
        assertThat(r.operation()).isEqualTo("start");
        assertThat(r.state()).isEqualTo(ResourceState.RUNNING);
        assertThat(r.result().reason()).isEqualTo("stub START");
        assertThat(r.result().elapsed()).isEqualTo(Duration.ofMillis(3));
        assertThat(r.at()).isEqualTo(Instant.ofEpochMilli(1234));
        assertThat(r.group()).contains(ResourceId.of("web"));
    }

    @Test
    void publishedReportsReachTheOtherNode() {
        List<ResourceReport> got = new CopyOnWriteArrayList<>();
        n1.executionChannel().onReport(got::add);
        ResourceReport report = new ResourceReport(NodeId.of("n2"), ResourceId.of("vip"), Optional.empty(),
                "monitor", OperationResult.of(org.duplex.api.agent.OcfStatus.NOT_RUNNING, "address gone",
                Duration.ofMillis(5)), ResourceState.FAILED, true, Instant.ofEpochMilli(99));

        n2.executionChannel().publish(report);

        await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
        assertThat(got).containsExactly(report);
    }

    @Test
    void staleEpochOrderIsRefused() throws Exception {
        List<ResourceCommand> seen = new CopyOnWriteArrayList<>();
        stub(n2, seen);
        long epoch = n1.state().epoch().value();
        assertThat(epoch).isPositive();

        ResourceReport stale = n1.executionChannel().send(NodeId.of("n2"),
                order(ResourceCommand.Kind.STOP, epoch - 1)).get(5, TimeUnit.SECONDS);
        assertThat(stale.operation()).isEqualTo("refused");
        assertThat(stale.result().reason()).contains("stale fencing epoch " + (epoch - 1));

        // a newer epoch (a later coordinator) is accepted, and from then on the old one is refused
        n1.executionChannel().send(NodeId.of("n2"), order(ResourceCommand.Kind.PROBE, epoch + 5))
                .get(5, TimeUnit.SECONDS);
        ResourceReport old = n1.executionChannel().send(NodeId.of("n2"), order(ResourceCommand.Kind.STOP, epoch))
                .get(5, TimeUnit.SECONDS);
        assertThat(old.operation()).isEqualTo("refused");
        assertThat(seen).containsExactly(order(ResourceCommand.Kind.PROBE, epoch + 5));
    }

    @Test
    void orderToANodeOutsideTheViewFailsFast() {
        long t0 = System.nanoTime();
        CompletableFuture<ResourceReport> f = n1.executionChannel().send(NodeId.of("n9"),
                order(ResourceCommand.Kind.START, n1.state().epoch().value()));
        assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("n9: not in the cluster view");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void orderToANodeThatDiesFailsInsteadOfHanging() {
        // n2 serves with an executor that never answers; then n2 goes away: the order fails (view change or the
        // 3 s execution timeout), it never hangs
        n2.executionChannel().serve(c -> new CompletableFuture<>());
        CompletableFuture<ResourceReport> f = n1.executionChannel().send(NodeId.of("n2"),
                order(ResourceCommand.Kind.START, n1.state().epoch().value()));
        n2.close();
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void aDocumentReplacedOnOneNodeIsSeenByTheOtherNodes() throws Exception {
        String doc = ReplicatedDocuments.FAILOVER;
        List<ReplicatedDocument> seenOnN1 = new CopyOnWriteArrayList<>();
        n1.documents().addListener(doc, seenOnN1::add);
        ReplicatedDocument before = n2.documents().read(doc);
        String updated = """
                {"resources": [{"id": "vip", "type": "vip", "params": {"ip": "127.0.0.42", "cidr": "8"}}],
                 "groups": [{"id": "web", "resources": ["vip"], "nodes": ["n1", "n2"], "policy": {"stickiness": "0"}}]}
                """;

        // replaced on n2 (not the coordinator: forwarded, committed by n1, replicated back)
        n2.documents().replace(doc, before.version(), updated);

        ReplicatedDocument after = n2.documents().read(doc);
        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.json()).contains("\"vip\"").contains("\"stickiness\" : \"0\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.documents().read(doc).equals(after));
        await().atMost(Duration.ofSeconds(5)).until(() -> seenOnN1.contains(after));

        // compare-and-set: a replace prepared on the old version is refused
        assertThatThrownBy(() -> n1.documents().replace(doc, before.version(), "{}"))
                .hasMessageContaining("changed meanwhile");
    }

    // ---- operator requests forwarded to another node (issue 15: any operation works from any node) ----------

    @Test
    void anOperatorRequestIsAnsweredByTheNodeThatServesIt() throws Exception {
        List<org.duplex.api.failover.OperatorRequest> seen = new CopyOnWriteArrayList<>();
        n1.executionChannel().serveRequests(r -> {
            seen.add(r);
            return "did " + r.operation() + " " + r.arguments() + " on n1 in thread " + Thread.currentThread().getName();
        });
        var request = new org.duplex.api.failover.OperatorRequest("switchover", List.of("web", "n2"), "admin on n2");

        String answer = n2.executionChannel().request(NodeId.of("n1"), request, Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS);

        assertThat(answer).startsWith("did switchover [web, n2] on n1")
                .endsWith("duplex-operator-requests"); // never on the messaging thread: a switchover waits on it
        assertThat(seen).containsExactly(request);
    }

    @Test
    void aRefusalComesBackAsTheFailureWithItsReason() {
        n1.executionChannel().serveRequests(r -> {
            throw new IllegalArgumentException("no group nope; groups: [web]");
        });
        var f = n2.executionChannel().request(NodeId.of("n1"),
                new org.duplex.api.failover.OperatorRequest("switchover", List.of("nope"), "n2"), Duration.ofSeconds(5));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("n1 refused: no group nope; groups: [web]");
    }

    @Test
    void aNodeThatServesNoRequestsSaysSo() {
        var f = n2.executionChannel().request(NodeId.of("n1"),
                new org.duplex.api.failover.OperatorRequest("cleanup", List.of("vip"), "n2"), Duration.ofSeconds(5));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("the failover engine is not running on n1");
    }

    @Test
    void aRequestToANodeOutsideTheViewFailsFastAndOneWhoseTargetDiesFailsInsteadOfHanging() {
        var outside = n2.executionChannel().request(NodeId.of("n9"),
                new org.duplex.api.failover.OperatorRequest("cleanup", List.of("vip"), "n2"), Duration.ofSeconds(30));
        assertThatThrownBy(() -> outside.get(1, TimeUnit.SECONDS)).hasMessageContaining("not in the cluster view");

        CompletableFuture<String> never = new CompletableFuture<>();
        n1.executionChannel().serveRequests(r -> never.join());
        var f = n2.executionChannel().request(NodeId.of("n1"),
                new org.duplex.api.failover.OperatorRequest("switchover", List.of("web"), "n2"), Duration.ofSeconds(30));
        n1.close();
        await().atMost(Duration.ofSeconds(10)).until(f::isDone);
        assertThatThrownBy(f::get).hasMessageContaining("n1 left the cluster view before answering");
        never.complete("too late");
    }
}
