package org.duplex.cluster.component;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.cluster.NodeFencing;
import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.api.cluster.TiebreakerWeight;
import org.duplex.api.failover.ExecutionChannel;
import org.duplex.api.failover.ResourceCommand;
import org.duplex.api.failover.ResourceReport;
import org.duplex.api.liveness.LivenessService;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.model.Liveness;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.core.ProposeResult;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.duplex.cluster.runtime.ClusterNode;
import org.duplex.cluster.runtime.StartupRecord;
import org.duplex.cluster.runtime.NodeOptions;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS wiring: configuration in, a running {@link ClusterNode} out as ClusterService, the failover bundle's
 * ExecutionChannel (orders over the cluster channel) and ReplicatedDocuments (the failover configuration as a
 * document of the replicated configuration, which the cluster stores without interpreting it). ClusterPlugins comes
 * from {@link ClusterPluginsComponent}. Immediate: as a delayed component SCR deactivated it whenever its last user
 * ungot it (a bundle:restart opened and closed four JGroups channels in 80 ms) and retried a failed start on every
 * service event.
 */
@Component(configurationPid = "org.duplex.cluster", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {ClusterService.class, ClusterAdmin.class, ExecutionChannel.class, ReplicatedDocuments.class,
                PeerLivenessListener.class},
        property = "service.ranking:Integer=100", immediate = true)
@Designate(ocd = ClusterConfiguration.class)
public class ClusterComponent implements ClusterService, ClusterAdmin, ExecutionChannel, ReplicatedDocuments,
        PeerLivenessListener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile LivenessService liveness;

    /*
     * From the failover bundle: groups active here (TiebreakerWeight; absent = weight 0, the disk lease never moves
     * here) and its fencing devices (NodeFencing, for taking the disk lease from a fenced holder at once). Looked up
     * when used, not injected: the failover component needs ClusterService, so a DS reference from here made SCR
     * activate it inside this component's activation, a service-factory cycle that restarted the cluster node two
     * or three times at boot and once left a pair that never formed its view.
     */
    private volatile BundleContext context;

    private volatile ClusterNode node;

    /** The service now, or null; the reference is released at once (DS keeps the provider active meanwhile). */
    private <T> T lookup(Class<T> type) {
        BundleContext ctx = context;
        if (ctx == null) {
            return null;
        }
        try {
            ServiceReference<T> ref = ctx.getServiceReference(type);
            if (ref == null) {
                return null;
            }
            try {
                return ctx.getService(ref);
            } finally {
                ctx.ungetService(ref);
            }
        } catch (IllegalStateException | org.osgi.framework.ServiceException e) {
            return null; // stopping, or the provider is not ready yet: as if absent
        }
    }

    @Activate
    void activate(ClusterConfiguration c, BundleContext context) throws Exception {
        this.context = context;
        weights = new org.osgi.util.tracker.ServiceTracker<>(context, TiebreakerWeight.class, null);
        weights.open();
        NodeOptions o;
        try {
            o = options(c);
            node = new ClusterNode(o, Duration.ofMillis(c.execution_timeout_ms()), this::weight,
                    () -> lookup(NodeFencing.class));
            node.start();
        } catch (Exception | Error e) {
            StartupRecord.failed(e, java.time.Instant.now());
            LOG.error("Cluster node did not start: {}. ha:status shows this reason; fix it, then "
                    + "bundle:restart org.duplex.cluster", StartupRecord.lastFailure().orElseThrow().reason());
            if (node != null) {
                node.close();
                node = null;
            }
            weights.close();
            throw e;
        }
        StartupRecord.started();
        LOG.info("Cluster node {} started in cluster '{}' on {}:{} (tiebreaker {}, no-quorum policy {})",
                o.nodeId(), o.clusterName(), o.bindAddress(), o.effectiveBindPort(), o.tiebreaker(),
                o.noQuorumPolicy());
    }

    static NodeOptions options(ClusterConfiguration c) {
        String data = System.getProperty("karaf.data", "data");
        String etc = System.getProperty("karaf.etc", "etc");
        Path state = c.state_dir().isBlank() ? Path.of(data, "duplex", "cluster") : Path.of(c.state_dir());
        Path key = c.cluster_key_file().isBlank() ? Path.of(etc, "duplex-cluster.key") : Path.of(c.cluster_key_file());
        return new NodeOptions(c.node_id(), c.cluster_name(), c.bind_address(), c.bind_port(), c.members(),
                c.expected_votes(), c.two__node(), c.wait__for__all(), NoQuorumPolicy.parse(c.no__quorum__policy()),
                c.tiebreaker_type(), c.tiebreaker_disk_path(), c.tiebreaker_disk_offset(),
                Duration.ofMillis(c.tiebreaker_disk_renew_ms()), Duration.ofMillis(c.tiebreaker_disk_lease_ms()),
                Duration.ofMillis(c.tiebreaker_disk_margin_ms()), c.tiebreaker_witness(),
                c.tiebreaker_ping_target(), state, key, Duration.ofMillis(c.fd_timeout_ms()),
                Duration.ofMillis(c.fd_backstop_ms()), c.fd_sock_offset(),
                Duration.ofMillis(c.tick_ms()), false, c.tiebreaker_disk_fence_takeover());
    }

    /**
     * Asked at every tick (4 times a second when idle): a ServiceTracker keeps the provider at hand. Looking it up
     * in the registry each time (getServiceReferences + getService + ungetService) was 7 % of a core on an idle
     * node, nearly all of the cluster tick's CPU (JFR, 2026-12-06).
     */
    private volatile org.osgi.util.tracker.ServiceTracker<TiebreakerWeight, TiebreakerWeight> weights;

    private int weight() {
        var t = weights;
        TiebreakerWeight w = t == null ? null : t.getService();
        return w == null ? 0 : w.weight();
    }

    /** A peer dead on every heartbeat link leaves the membership view at once (the heartbeat is faster). */
    @Override
    public void peerChanged(PeerEvent event) {
        ClusterNode n = node;
        if (n != null && event.liveness() == Liveness.DEAD) {
            n.peerDead(event.peer(), event.reason());
        }
    }

    @Deactivate
    void deactivate() {
        if (node != null) {
            node.close();
            LOG.info("Cluster node stopped (its groups are no longer managed from this node)");
        }
        var t = weights;
        if (t != null) {
            t.close();
        }
    }

    @Override
    public QuorumState state() {
        return node.state();
    }

    @Override
    public Map<NodeId, NodeMode> nodeModes() {
        return node.nodeModes();
    }

    @Override
    public AutoCloseable addListener(QuorumListener listener) {
        return node.addListener(listener);
    }

    @Override
    public ClusterConfig config() {
        return node.config();
    }

    @Override
    public ProposeResult propose(ClusterConfig candidate) {
        return node.propose(candidate);
    }

    @Override
    public org.duplex.cluster.plugin.ReplicatedPlugins plugins() {
        return node.plugins();
    }

    @Override
    public List<PeerStatus> heartbeat() {
        LivenessService l = liveness;
        return l == null ? List.of() : l.peers();
    }

    @Override
    public NoQuorumPolicy noQuorumPolicy() {
        return node.noQuorumPolicy();
    }

    @Override
    public String tiebreaker() {
        return node.core().tiebreaker().describe();
    }

    @Override
    public long viewChanges() {
        return node.core().viewChanges();
    }

    @Override
    public String tiebreakerStatus() {
        return node.tiebreakerStatus();
    }

    @Override
    public org.duplex.cluster.protocol.ProtocolVersion protocol() {
        return node.core().protocol();
    }

    @Override
    public Map<NodeId, org.duplex.cluster.protocol.ProtocolVersion> memberVersions() {
        return node.core().memberVersions();
    }

    @Override
    public java.util.Set<NodeId> standingAside() {
        return node.core().standingAside();
    }

    @Override
    public CompletableFuture<ResourceReport> send(NodeId target, ResourceCommand command) {
        return node.executionChannel().send(target, command);
    }

    @Override
    public AutoCloseable serve(Function<ResourceCommand, CompletableFuture<ResourceReport>> executor) {
        return node.executionChannel().serve(executor);
    }

    @Override
    public CompletableFuture<String> request(NodeId target, org.duplex.api.failover.OperatorRequest request,
                                             Duration timeout) {
        return node.executionChannel().request(target, request, timeout);
    }

    @Override
    public AutoCloseable serveRequests(Function<org.duplex.api.failover.OperatorRequest, String> handler) {
        return node.executionChannel().serveRequests(handler);
    }

    @Override
    public void publish(ResourceReport report) {
        node.executionChannel().publish(report);
    }

    @Override
    public AutoCloseable onReport(Consumer<ResourceReport> listener) {
        return node.executionChannel().onReport(listener);
    }

    @Override
    public java.util.Set<String> names() {
        return node.documents().names();
    }

    @Override
    public ReplicatedDocument read(String name) {
        return node.documents().read(name);
    }

    @Override
    public void replace(String name, long baseVersion, String json) throws IOException {
        node.documents().replace(name, baseVersion, json);
    }

    @Override
    public AutoCloseable addListener(String name, Consumer<ReplicatedDocument> listener) {
        return node.documents().addListener(name, listener);
    }
}
