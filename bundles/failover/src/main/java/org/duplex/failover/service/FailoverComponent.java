package org.duplex.failover.service;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.NodeFencing;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.api.cluster.TiebreakerWeight;
import org.duplex.api.failover.ExecutionChannel;
import org.duplex.api.failover.VolumeLock;
import org.duplex.api.liveness.LivenessService;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.model.Node;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.api.monitor.ResourceMonitor;
import org.duplex.failover.control.ActionTransport;
import org.duplex.failover.control.ChannelTransport;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.control.Fencer;
import org.duplex.failover.control.LocalTransport;
import org.duplex.failover.control.StateTable;
import org.duplex.failover.executor.Executor;
import org.duplex.failover.executor.Operation;
import org.duplex.failover.executor.Report;
import org.duplex.failover.executor.SystemScheduler;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceDevices;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.history.History;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.store.FailoverConfigStore;
import org.duplex.failover.store.FileConfigStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring (PID {@code org.duplex.failover}): the local executor with the registered agents, the controller fed by
 * {@link ClusterService} and {@link LivenessService}, a decision round every tick and on every change. Without a
 * cluster's {@link ReplicatedDocuments} service it keeps the configuration in {@code config.file}; with it, in the
 * replicated {@code failover} document, which only this bundle interprets.
 */
@Component(configurationPid = "org.duplex.failover", configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {FailoverService.class, PeerLivenessListener.class, TiebreakerWeight.class,
                NodeFencing.class})
@Designate(ocd = FailoverComponent.Config.class)
public class FailoverComponent implements FailoverService, PeerLivenessListener, TiebreakerWeight,
        NodeFencing {

    @ObjectClassDefinition(name = "Duplex failover", description = "Policy engine and local executor")
    public @interface Config {
        @AttributeDefinition(description = "This node's id; empty: the cluster's local node, else the host name")
        String node_id() default "";

        @AttributeDefinition(description = "Local configuration file; empty: ${karaf.data}/duplex/failover.conf")
        String config_file() default "";

        @AttributeDefinition(description = "Milliseconds between decision rounds (failure timeouts, retries)")
        long tick_ms() default 1000;

        @AttributeDefinition(description = "History entries kept per node")
        int history_size() default 1000;

        @AttributeDefinition(description = "ha:history file (survives restarts, bounded to about 4 x history.size "
                + "lines); empty: ${karaf.data}/duplex/history.log; \"none\": memory only")
        String history_file() default "";

        @AttributeDefinition(description = "Without a cluster service, act as a one-node quorate cluster "
                + "(epoch 1). Only for a single machine: two standalone nodes would both start everything")
        boolean standalone() default false;

        @AttributeDefinition(description = "on-fail=reboot: how this node reboots itself, run without a shell "
                + "(words split on spaces)")
        String reboot_command() default "systemctl reboot";

        @AttributeDefinition(description = "on-fail=reboot: the reboot command is killed after this long")
        String reboot_timeout() default "60s";

        @AttributeDefinition(description = "on-fail=reboot loop guard: at most this many self-reboots per "
                + "reboot.window (0: never reboot, only stay ineligible)")
        int reboot_max() default 2;

        @AttributeDefinition(description = "on-fail=reboot loop guard: the window self-reboots are counted in")
        String reboot_window() default "1h";

        @AttributeDefinition(description = "on-fail=reboot loop guard file; empty: ${karaf.data}/duplex/self-reboots")
        String reboot_guard_file() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(FailoverComponent.class);
    /** How long a forwarded operator request (a switchover runs its stops and starts) may take. */
    static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofMinutes(3);
    /** Fencing devices arrive as factory configurations shortly after start: warn about gaps after this. */
    private static final java.time.Duration FENCING_SETTLE = java.time.Duration.ofSeconds(10);

    private final Map<String, ResourceAgent> agents = new ConcurrentHashMap<>();
    /** Every ResourceMonitor service (any bundle or plug-in), by its type: what bound monitors run. */
    private final Map<String, ResourceMonitor> monitorTypes = new ConcurrentHashMap<>();

    // static: the local node, the quorum listener and the store are chosen at activation; a new one reactivates
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    ClusterService cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile LivenessService liveness;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    VolumeLock volumeLock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    ReplicatedDocuments replicatedDocuments;

    /** The cluster's messaging for orders to other nodes and their reports; without it only this node acts. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    ExecutionChannel channel;

    private FailoverConfigStore store;
    private NodeId local;
    private boolean standalone;
    /** Activated while Karaf shuts down: nothing was started, so there is nothing to stop. */
    private boolean inert;
    private History history;
    private volatile StateTable table;
    private Executor executor;
    private org.duplex.failover.selffence.SelfReboot selfReboot;
    private SystemScheduler scheduler;
    private ExecutorService workers;
    private ScheduledExecutorService loop;
    private volatile FailoverController controller;
    private AutoCloseable quorumHandle;
    private AutoCloseable serveHandle;
    private AutoCloseable requestHandle;
    private AutoCloseable reportHandle;
    private AutoCloseable configHandle;
    private final AtomicBoolean pending = new AtomicBoolean();
    private String lastInterruption;
    /** The heartbeat's own words for each peer's latest liveness change, used in reasons. */
    private final Map<NodeId, PeerEvent> lastEvents = new ConcurrentHashMap<>();

    /** The fencing devices ({@link FenceDeviceComponent}, one per etc/org.duplex.failover.fence-*.cfg). */
    private final FenceDevices fenceDevices = new FenceDevices();
    private volatile java.time.Instant warnAfter = java.time.Instant.MAX;
    private volatile Set<NodeId> warnedWithoutFencing;
    /** Groups fully active on this node, for the two-node tiebreaker; recomputed on every round and report. */
    private volatile int weight;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFenceDevice(FenceDevice device) {
        fenceDevices.add(device);
        trigger();
    }

    void removeFenceDevice(FenceDevice device) {
        fenceDevices.remove(device);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAgent(ResourceAgent agent, Map<String, Object> props) {
        agents.put(String.valueOf(props.getOrDefault(ResourceAgent.TYPE_PROPERTY, agent.type())), agent);
    }

    void removeAgent(ResourceAgent agent, Map<String, Object> props) {
        if (bundleContext != null && shuttingDown()) {
            return; // still needed to stop the groups in deactivate; the objects work without their service
        }
        agents.remove(String.valueOf(props.getOrDefault(ResourceAgent.TYPE_PROPERTY, agent.type())), agent);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMonitorType(ResourceMonitor monitor, Map<String, Object> props) {
        monitorTypes.put(String.valueOf(props.getOrDefault(ResourceMonitor.TYPE_PROPERTY, monitor.type())), monitor);
    }

    void removeMonitorType(ResourceMonitor monitor, Map<String, Object> props) {
        // looked up at every check: a binding whose type left shows "monitor type missing" from its next check
        monitorTypes.remove(String.valueOf(props.getOrDefault(ResourceMonitor.TYPE_PROPERTY, monitor.type())), monitor);
    }

    private volatile org.osgi.framework.BundleContext bundleContext;

    @Activate
    void activate(Config config, org.osgi.framework.BundleContext context) throws IOException {
        bundleContext = context;
        // Karaf stops SCR (level 30) before this bundle (26): as SCR disposes the cluster's services first, it
        // re-activates this component without them. An engine started then would probe and act on a stopping node.
        inert = shuttingDown();
        if (inert) {
            LOG.debug("failover engine not started: Karaf is shutting down");
            return;
        }
        standalone = config.standalone();
        local = localNode(config);
        if (replicatedDocuments != null) {
            store = new org.duplex.failover.replicated.ReplicatedFailoverConfigStore(replicatedDocuments);
        } else {
            Path file = config.config_file().isBlank()
                    ? Path.of(System.getProperty("karaf.data", "data"), "duplex", "failover.conf")
                    : Path.of(config.config_file());
            store = new FileConfigStore(Optional.of(file));
        }
        history = new History(config.history_size(), historyJournal(config));
        table = new StateTable(10_000);
        scheduler = new SystemScheduler(Clock.systemUTC());
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "duplex-failover-op");
            t.setDaemon(true);
            return t;
        });
        ExecutionChannel ch = channel;
        executor = new Executor(local, type -> Optional.ofNullable(agents.get(type)), scheduler, workers, report -> {
            controller.onReport(report);
            updateWeight();
            if (ch != null) {
                ch.publish(ChannelTransport.toApi(report));
            }
            trigger();
        }, history, Optional.ofNullable(volumeLock), why -> LOG.error("fencing needed: {}", why));
        selfReboot = selfReboot(config);
        executor.nodeHealthHook(selfReboot);
        // plug-ins register their agents after this bundle on a boot: an operation waits for its agent (within its
        // own timeout) instead of failing, which for a stop meant fencing a node that never ran the resource
        executor.awaitMissingAgents(java.time.Duration.ofSeconds(60));
        ActionTransport transport = ch != null ? new ChannelTransport(local, executor, ch)
                : new LocalTransport(Map.of(local, executor));
        controller = new FailoverController(store, new View(), table, history, transport, fenceDevices,
                Clock.systemUTC());
        if (ch != null) {
            serveHandle = ch.serve(ChannelTransport.server(local, executor, store::load));
            requestHandle = ch.serveRequests(new org.duplex.failover.command.OperatorRequestHandler(this));
            reportHandle = ch.onReport(r -> {
                controller.onReport(ChannelTransport.fromApi(r));
                trigger();
            });
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-failover-engine");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::round, config.tick_ms(), config.tick_ms(), TimeUnit.MILLISECONDS);
        ClusterService c = cluster;
        if (c != null) {
            executor.observeEpoch(c.state().epoch());
            quorumHandle = c.addListener((before, after) -> {
                executor.observeEpoch(after.epoch());
                trigger();
            });
        }
        executor.bindMonitors(store::load, type -> Optional.ofNullable(monitorTypes.get(type)));
        configHandle = store.addListener(x -> {
            executor.syncMonitors();
            trigger();
        });
        warnAfter = java.time.Instant.now().plus(FENCING_SETTLE);
        probeLocalResources();
        LOG.info("failover engine up on {} ({}; {}; {} agent types: {})", local, c != null ? "cluster service present"
                : standalone ? "STANDALONE one-node mode" : "no cluster service: no quorum, nothing will start",
                ch != null ? "execution channel present" : "no execution channel: acts on this node only",
                agents.size(), agents.keySet());
    }

    /** {@code on-fail=reboot}: this node's self-reboot with its loop guard (settings checked at activation). */
    private org.duplex.failover.selffence.SelfReboot selfReboot(Config config) {
        Path guardFile = config.reboot_guard_file().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "duplex", "self-reboots")
                : Path.of(config.reboot_guard_file());
        org.duplex.failover.selffence.RebootGuard guard;
        org.duplex.failover.selffence.RebootAction action;
        try {
            guard = new org.duplex.failover.selffence.RebootGuard(guardFile, config.reboot_max(),
                    org.duplex.failover.config.Tokens.duration(config.reboot_window(), "reboot.window"));
            action = new org.duplex.failover.selffence.ExecRebootAction(config.reboot_command(),
                    org.duplex.failover.config.Tokens.duration(config.reboot_timeout(), "reboot.timeout"));
        } catch (IllegalArgumentException e) {
            // a typo in the reboot settings must not stop the engine; failing safe means never rebooting
            LOG.error("org.duplex.failover: {}; on-fail=reboot bindings will NOT reboot this node (they only make "
                    + "it ineligible) until this is fixed", e.getMessage());
            guard = new org.duplex.failover.selffence.RebootGuard(guardFile, 0, java.time.Duration.ofHours(1));
            action = reason -> new org.duplex.failover.selffence.RebootAction.Outcome(false, "misconfigured");
        }
        Executor e = executor;
        return new org.duplex.failover.selffence.SelfReboot(local, new org.duplex.failover.selffence.SelfReboot.Node() {
            @Override
            public Map<ResourceId, org.duplex.failover.executor.MonitorStatus> statuses() {
                return e.monitorStatuses();
            }

            @Override
            public Optional<String> stillHere() {
                return e.stillHere();
            }
        }, () -> new View().quorum(), guard, action, workers, history, Clock.systemUTC());
    }

    /** True when the whole framework stops (Karaf shutdown), not when only this component is re-wired. */
    private boolean shuttingDown() {
        try {
            org.osgi.framework.Bundle system = bundleContext.getBundle(0);
            return system != null && system.getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * The bundle stops while Karaf runs on (a feature upgrade, bundle:stop): what runs here keeps running, and the
     * restarted engine probes and adopts it. Peers see this node dead meanwhile; one with no fencing device for it
     * trusts it stopped its groups. Say so, naming them, so the log explains a second copy (README: standby first).
     */
    private void warnIfGroupsKeepRunning() {
        try {
            Map<ResourceId, ResourceState> mine = table.states().getOrDefault(local, Map.of());
            java.util.List<String> running = mine.entrySet().stream()
                    .filter(e -> e.getValue() == ResourceState.RUNNING || e.getValue() == ResourceState.STARTING
                            || e.getValue() == ResourceState.BLOCKED).map(e -> e.getKey().toString()).sorted()
                    .toList();
            if (!running.isEmpty()) {
                LOG.warn("failover engine stopping on {} while resources run here ({}): they keep running without"
                        + " supervision until it is back; peers see this node dead, and one with no fencing device for"
                        + " it may start them too. Put the node in standby (ha:node-standby) before feature"
                        + " operations; bin/duplex-upgrade does", local, running);
            }
        } catch (RuntimeException e) {
            LOG.debug("could not list this node's resources at deactivation", e);
        }
    }

    @Override
    public void stopEverythingBeforeTheEnd(String why) {
        executor.seal(why);
        stopLocalGroups("this node is ending itself: " + why);
    }

    /**
     * Karaf is shutting down: its heartbeat stops, and a peer will soon start our groups, so they must not run
     * here any more. Stops every group running on this node in reverse order, each stop bounded by its timeout
     * (escalated by the executor like any stop).
     */
    private void stopLocalGroups(String reason) {
        FailoverConfig config = store.load();
        Map<ResourceId, ResourceState> mine = table.states().getOrDefault(local, Map.of());
        for (ResourceGroup g : config.groups()) {
            for (ResourceId id : g.stopOrder()) {
                Resource r = config.resources().get(id);
                ResourceState st = mine.getOrDefault(id, ResourceState.STOPPED);
                if (r == null || st == ResourceState.STOPPED) {
                    continue;
                }
                try {
                    Report rep = executor.submit(new Operation(Operation.Kind.STOP, r, Optional.of(g.id()),
                            executor.newestEpoch(), reason)).get(
                            r.timeouts().stop().multipliedBy(2).plus(r.timeouts().monitor()).toMillis() + 5000,
                            TimeUnit.MILLISECONDS);
                    LOG.info("shutdown: {} on {} -> {}", id, local, rep.state());
                } catch (Exception e) {
                    LOG.error("shutdown: stop of {} on {} not confirmed ({}); a peer must not take it over before "
                            + "this node is fenced or checked", id, local, e.toString());
                }
            }
        }
    }

    /**
     * After a (re)start this executor monitors nothing: probe every resource this node may run, adopt what
     * still runs (monitored again), and report it all so the coordinator learns this node's real state.
     */
    private void probeLocalResources() {
        FailoverConfig config = store.load();
        for (ResourceGroup g : config.groups()) {
            if (!g.nodes().contains(local)) {
                continue;
            }
            for (ResourceId id : g.resources()) {
                Resource r = config.resources().get(id);
                if (r != null) {
                    executor.submit(new Operation(Operation.Kind.PROBE, r, Optional.of(g.id()),
                            executor.newestEpoch(), "initial probe after start of " + local));
                }
            }
        }
    }

    private static Optional<org.duplex.failover.history.HistoryJournal> historyJournal(Config config) {
        String f = config.history_file().strip();
        if (f.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Path file = f.isEmpty() ? Path.of(System.getProperty("karaf.data", "data"), "duplex", "history.log") : Path.of(f);
        return Optional.of(new org.duplex.failover.history.HistoryJournal(file,
                (int) Math.min(Integer.MAX_VALUE, 4L * Math.max(1, config.history_size()))));
    }

    @Deactivate
    void deactivate() throws Exception {
        if (inert) {
            return;
        }
        if (shuttingDown()) {
            stopLocalGroups("Karaf is shutting down on " + local);
        } else {
            warnIfGroupsKeepRunning();
        }
        if (quorumHandle != null) {
            quorumHandle.close();
        }
        for (AutoCloseable h : new AutoCloseable[] {configHandle, serveHandle, reportHandle, requestHandle}) {
            if (h != null) {
                h.close();
            }
        }
        loop.shutdownNow();
        executor.close();
        scheduler.close();
        workers.shutdownNow();
    }

    private NodeId localNode(Config config) throws IOException {
        if (!config.node_id().isBlank()) {
            return NodeId.of(config.node_id().trim());
        }
        ClusterService c = cluster;
        if (c != null) {
            return c.state().localNode();
        }
        return NodeId.of(InetAddress.getLocalHost().getHostName().split("\\.")[0]);
    }

    /** A peer's liveness changed: decide now rather than at the next tick (this is on the failover path). */
    @Override
    public void peerChanged(PeerEvent event) {
        lastEvents.put(event.peer(), event);
        trigger();
    }

    @Override
    public void trigger() {
        if (pending.compareAndSet(false, true) && loop != null && !loop.isShutdown()) {
            loop.execute(this::round);
        }
    }

    private void round() {
        pending.set(false);
        try {
            warnAboutNodesWithoutFencing();
            FailoverController.RunResult r = controller.runOnce();
            updateWeight();
            selfReboot.poll(); // quorum may have come back, or the last stop confirmed
            String why = r.stoppedBecause().filter(s -> !s.startsWith("not the coordinator")).orElse(null);
            if (why != null && !why.equals(lastInterruption)) {
                LOG.warn("plan interrupted, deciding again every tick until it changes: {}", why);
            }
            lastInterruption = why;
            if (r.executed() > 0) {
                trigger();
            }
        } catch (RuntimeException e) {
            LOG.error("decision round failed: {}", e.toString(), e);
        }
    }

    /**
     * Once, when the devices had time to arrive (and again only if the set changes): the nodes no device can
     * fence. Without a device a frozen node is trusted to have stopped its groups when it is declared dead.
     */
    private void warnAboutNodesWithoutFencing() {
        if (java.time.Instant.now().isBefore(warnAfter)) {
            return;
        }
        Set<NodeId> without = controller.nodesWithoutFencing();
        if (!without.isEmpty() && !without.equals(warnedWithoutFencing)) {
            LOG.warn("no fencing device covers {}: a frozen node cannot be fenced; its VIP may answer beside the "
                    + "survivor's (a dead node is trusted to have stopped its groups). Add "
                    + "etc/org.duplex.failover.fence-<name>.cfg with type = exec, command = /path, nodes = {}",
                    without, String.join(",", without.stream().map(NodeId::value).toList()));
        }
        warnedWithoutFencing = without;
    }

    /** Groups whose every member runs here (cheap: the state table and the last loaded configuration). */
    private void updateWeight() {
        StateTable t = table;
        FailoverConfigStore st = store;
        if (t == null || st == null) {
            return;
        }
        weight = t.completeGroups(local, st.load().groups());
    }

    /** For the two-node tiebreaker: the number of groups fully active on this node. Never blocks. */
    @Override
    public int weight() {
        return weight;
    }

    /** Nodes from the configuration, the membership and the heartbeat, with reasons for their liveness. */
    private final class View implements FailoverController.ClusterView {

        @Override
        public QuorumState quorum() {
            ClusterService c = cluster;
            if (c != null) {
                return c.state();
            }
            return standalone
                    ? new QuorumState(local, true, Optional.of(local), new FencingEpoch(1), Set.of(local), 1, 1,
                    "standalone mode")
                    : new QuorumState(local, false, Optional.empty(), FencingEpoch.NONE, Set.of(local), 0, 1,
                    "no cluster service");
        }

        @Override
        public Map<NodeId, Node> nodes() {
            LivenessService l = liveness;
            return NodeViews.nodes(store.load().groups(), quorum(), l == null ? List.of() : l.peers(), local,
                    cluster != null, modes());
        }

        /** The operator's standby/maintenance modes, read at every decision (a change fires no listener). */
        private Map<NodeId, NodeMode> modes() {
            return NodeViews.modes(cluster);
        }

        @Override
        public Map<NodeId, String> notes() {
            LivenessService l = liveness;
            return l == null ? Map.of() : NodeViews.notes(l.peers(), lastEvents);
        }
    }

    // ---- FailoverService ----------------------------------------------------------------------------------

    @Override
    public FailoverConfigStore store() {
        return store;
    }

    @Override
    public Plan plan() {
        return controller.plan();
    }

    @Override
    public FailoverController.Simulation simulate(Optional<NodeId> failedNode) {
        return controller.simulation(failedNode);
    }

    @Override
    public FailoverController.Simulation simulate(java.util.Set<NodeId> failedNodes,
                                                  Optional<org.duplex.failover.model.FailoverConfig> candidate) {
        return controller.simulation(failedNodes, candidate);
    }

    @Override
    public Optional<NodeId> forwardTo() {
        ExecutionChannel ch = channel;
        QuorumState q = new View().quorum();
        if (ch == null || !q.quorate() || q.isCoordinator()) {
            return Optional.empty(); // no quorum: the local operation refuses with the reason
        }
        return q.coordinator();
    }

    @Override
    public String forward(String operation, List<String> arguments) throws InterruptedException {
        NodeId to = forwardTo().orElseThrow(() -> new IllegalStateException("no coordinator to forward "
                + operation + " to"));
        ExecutionChannel ch = channel;
        var request = new org.duplex.api.failover.OperatorRequest(operation, arguments, origin());
        try {
            return ch.request(to, request, REQUEST_TIMEOUT).get(REQUEST_TIMEOUT.toMillis() + 1000,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from the coordinator " + to + " to " + operation + " within "
                    + REQUEST_TIMEOUT.toSeconds() + " s; it may still be carried out there: check ha:status and "
                    + "ha:history", e);
        }
    }

    /** "admin on node2" (the console user, when the command runs in a logged-in session), else "node2". */
    @Override
    @SuppressWarnings("removal") // Subject.getSubject is how a Karaf command learns its JAAS user on Java 17
    public String origin() {
        try {
            javax.security.auth.Subject subject =
                    javax.security.auth.Subject.getSubject(java.security.AccessController.getContext());
            if (subject != null) {
                for (java.security.Principal p : subject.getPrincipals()) {
                    if (p.getClass().getSimpleName().equals("UserPrincipal")) {
                        return p.getName() + " on " + local;
                    }
                }
            }
        } catch (RuntimeException | Error ignored) {
            // no security context: the node alone
        }
        return local.toString();
    }

    @Override
    public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target)
            throws IOException {
        return controller.switchover(group, target);
    }

    @Override
    public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target, boolean reorder,
                                                          String by) throws IOException {
        return controller.switchover(group, target, reorder, by);
    }

    @Override
    public Optional<org.duplex.failover.model.Placement> clearPlacement(ResourceId group, String by)
            throws IOException {
        Optional<org.duplex.failover.model.Placement> p = controller.clearPlacement(group, by);
        trigger();
        return p;
    }

    @Override
    public int cleanup(ResourceId resource) {
        int n = controller.cleanup(resource);
        trigger();
        return n;
    }

    @Override
    public List<History.Entry> history(Optional<ResourceId> group) {
        return history.timeline(group);
    }

    @Override
    public Map<NodeId, Map<ResourceId, ResourceState>> states() {
        return table.states();
    }

    @Override
    public org.duplex.failover.control.FailoverCounters counters() {
        return controller.counters();
    }

    @Override
    public List<Failure> failures() {
        return table.failures();
    }

    @Override
    public Optional<ResourceMonitor> monitorType(String type) {
        return Optional.ofNullable(monitorTypes.get(type));
    }

    @Override
    public Map<NodeId, Map<ResourceId, Report>> monitorResults() {
        return table.health();
    }

    @Override
    public Map<ResourceId, Map<NodeId, org.duplex.failover.policy.ReplicaReport>> replicas() {
        return table.replicas();
    }

    @Override
    public Optional<ResourceAgent> agent(String type) {
        return Optional.ofNullable(agents.get(type));
    }

    @Override
    public List<FenceDevice> fenceDevices() {
        return fenceDevices.devices();
    }

    @Override
    public Set<NodeId> nodesWithoutFencing() {
        return controller.nodesWithoutFencing();
    }

    @Override
    public Map<NodeId, String> pendingFenceRetries() {
        Map<NodeId, String> out = new java.util.TreeMap<>();
        controller.fenceFailures().forEach((n, f) -> out.put(n, "failed at " + f.at() + " (" + f.reason()
                + "); next attempt at " + f.retryAt()));
        return out;
    }

    @Override
    public List<FenceResult> fence(NodeId node, FenceAction action) throws InterruptedException {
        List<FenceResult> results = fenceDevices.run(node, action);
        boolean off = action == FenceAction.OFF && results.stream().anyMatch(FenceResult::ok);
        String detail = String.join("; ", results.stream().map(FenceResult::describe).toList());
        LOG.warn("ha:fence --action {} {} by the operator: {}", action.word(), node, detail);
        controller.fencedByOperator(node, action.word(), off, detail);
        trigger();
        return results;
    }

    @Override
    public boolean covers(NodeId node) {
        return fenceDevices.coverage().contains(node);
    }

    /** For the cluster's disk lease: reuses a fence already confirmed since {@code notBeforeNanos} (the engine's). */
    @Override
    public NodeFencing.Outcome fence(NodeId node, long notBeforeNanos, String reason) throws InterruptedException {
        Optional<Long> done = fenceDevices.confirmedSince(node, notBeforeNanos);
        if (done.isPresent()) {
            return new NodeFencing.Outcome(true, done.get(), "confirmed off "
                    + (System.nanoTime() - done.get()) / 1_000_000 + " ms ago");
        }
        FailoverController c = controller;
        if (c == null) {
            return new NodeFencing.Outcome(false, 0, "the failover engine is not active");
        }
        Fencer.Outcome o = c.fenceForLease(node, reason);
        trigger();
        return new NodeFencing.Outcome(o.fenced(),
                fenceDevices.confirmedSince(node, notBeforeNanos).orElse(System.nanoTime()), o.detail());
    }
}
