package org.duplex.heartbeat.ds;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.duplex.api.liveness.LinkEvent;
import org.duplex.api.liveness.LivenessService;
import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.liveness.PeerReport;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.DetectorClock;
import org.duplex.heartbeat.detect.LinkStats;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.node.HeartbeatNode;
import org.duplex.heartbeat.node.Incarnation;
import org.duplex.heartbeat.node.LinkFactory;
import org.duplex.heartbeat.node.NodeConfigParser;
import org.duplex.heartbeat.node.NodeSettings;
import org.duplex.heartbeat.status.LocalStatusSampler;
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
 * The node's heartbeat (PID {@code org.duplex.heartbeat}): owns the {@link HeartbeatNode}, publishes
 * {@link LivenessService} and calls every {@link PeerLivenessListener}. Links come from {@link LinkComponent}s.
 */
@Component(configurationPid = NodeConfigParser.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {LivenessService.class, HeartbeatRuntime.class})
@Designate(ocd = HeartbeatComponent.Config.class)
public class HeartbeatComponent implements LivenessService, HeartbeatRuntime {

    @ObjectClassDefinition(name = "Duplex heartbeat", description = "Node identity and key for heartbeat frames")
    public @interface Config {
        @AttributeDefinition(name = "Node id", description = "This node's name, as peers list it")
        String node_id();

        @AttributeDefinition(name = "Cluster name", description = "The same on every node; frames of other clusters are rejected")
        String cluster_name();

        @AttributeDefinition(name = "Key file", description = "32-byte cluster key made by ha:keygen (default ${karaf.etc}/duplex-cluster.key)")
        String key_file() default "";

        @AttributeDefinition(name = "Initial dead time (ms)", description = "After start, a peer never heard is UNKNOWN this long before DEAD")
        long initial_dead_ms() default 10_000;

        @AttributeDefinition(name = "Peers", description = "Peer node ids (links add theirs too)")
        String[] peers() default {};

        @AttributeDefinition(name = "Watched paths", description = "File systems whose usage is reported to peers")
        String[] watch_paths() default {"/"};
    }

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatComponent.class);
    private final List<PeerLivenessListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Object> owners = new HashMap<>();
    private HeartbeatNode node;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(PeerLivenessListener l) {
        listeners.add(l);
    }

    void removeListener(PeerLivenessListener l) {
        listeners.remove(l);
    }

    @Activate
    void activate(Map<String, Object> props) {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path data = Path.of(System.getProperty("karaf.data", "data"));
        NodeSettings settings = NodeConfigParser.parse(props, etc, data,
                f -> Incarnation.next(f, System.currentTimeMillis()));
        LocalStatusSampler sampler = new LocalStatusSampler(settings.watchedPaths());
        node = new HeartbeatNode(settings, DetectorClock.SYSTEM, new PeerLivenessListener() {
            @Override
            public void linkChanged(LinkEvent e) {
                for (PeerLivenessListener l : listeners) {
                    try {
                        l.linkChanged(e);
                    } catch (RuntimeException ex) {
                        LOG.error("liveness listener {} failed", l, ex);
                    }
                }
            }

            @Override
            public void peerChanged(PeerEvent e) {
                for (PeerLivenessListener l : listeners) {
                    try {
                        l.peerChanged(e);
                    } catch (RuntimeException ex) {
                        LOG.error("liveness listener {} failed", l, ex);
                    }
                }
            }
        }, sampler::sample, LinkFactory.DEFAULT);
    }

    @Deactivate
    void deactivate() {
        node.close();
    }

    @Override
    public NodeSettings settings() {
        return node.settings();
    }

    @Override
    public synchronized void addLink(Object owner, LinkConfig config) {
        Object current = owners.get(config.name());
        if (current != null && current != owner) {
            throw new IllegalArgumentException("heartbeat link name '" + config.name() + "' is already used by"
                    + " another org.duplex.heartbeat.link configuration: give each link a unique name");
        }
        // a renamed link: forget its old name
        owners.entrySet().removeIf(e -> e.getValue() == owner && !e.getKey().equals(config.name()));
        owners.put(config.name(), owner);
        node.addLink(config);
    }

    @Override
    public synchronized void removeLink(Object owner, String name) {
        if (owners.get(name) == owner) {
            owners.remove(name);
            node.removeLink(name);
        }
    }

    @Override
    public List<HeartbeatNode.LinkView> links() {
        return node.links();
    }

    @Override
    public List<LinkStats> stats() {
        return node.stats();
    }

    @Override
    public List<PeerStatus> peers() {
        return node.peers();
    }

    @Override
    public Optional<PeerReport> lastReport(NodeId peer) {
        return node.lastReport(peer);
    }

    @Override
    public RejectionCounters rejections() {
        return node.rejections();
    }
}
