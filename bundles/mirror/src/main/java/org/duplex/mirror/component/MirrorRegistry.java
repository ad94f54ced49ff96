package org.duplex.mirror.component;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.engine.MirrorVolume;
import org.duplex.mirror.engine.PeerFencer;
import org.duplex.mirror.fence.FenceServer;
import org.duplex.mirror.fence.TcpPeerFencer;
import org.duplex.mirror.engine.QuorumGate;
import org.duplex.mirror.iscsi.IscsiServer;
import org.duplex.mirror.iscsi.IscsiServerConfig;
import org.duplex.mirror.iscsi.IscsiTarget;
import org.duplex.mirror.nbd.NbdServer;
import org.duplex.mirror.nbd.NbdServerConfig;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes open on this node, their NBD exports, and the volume lock's view of the cluster. Without a
 * ClusterService there is no quorum, so no volume can be promoted.
 */
@Component(service = MirrorRegistry.class, immediate = true)
public class MirrorRegistry implements QuorumGate {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorRegistry.class);

    /** A running volume and its export. */
    public record Entry(VolumeSettings settings, MirrorVolume volume, NbdServer nbd, FenceServer fence,
                        IscsiServer iscsi) {
    }

    private final Map<String, Entry> volumes = new ConcurrentHashMap<>();
    private volatile ClusterService cluster;
    private volatile QuorumState state;
    private volatile AutoCloseable listener;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindCluster(ClusterService c) {
        cluster = c;
        state = c.state();
        listener = c.addListener((previous, current) -> {
            state = current;
            volumes.values().forEach(e -> e.volume().quorumChanged(current.quorate()));
        });
    }

    void unbindCluster(ClusterService c) {
        if (cluster == c) {
            cluster = null;
            state = null;
            closeListener();
            volumes.values().forEach(e -> e.volume().quorumChanged(false));
        }
    }

    private void closeListener() {
        AutoCloseable l = listener;
        listener = null;
        if (l != null) {
            try {
                l.close();
            } catch (Exception e) {
                LOG.debug("quorum listener close failed: {}", e.toString());
            }
        }
    }

    @Override
    public boolean quorate() {
        QuorumState s = state;
        return s != null && s.quorate();
    }

    /** This node's id as the cluster knows it, when a ClusterService is bound. */
    public Optional<NodeId> localNode() {
        QuorumState s = state;
        return s == null ? Optional.empty() : Optional.of(s.localNode());
    }

    @Override
    public FencingEpoch epoch() {
        QuorumState s = state;
        return s == null ? FencingEpoch.NONE : s.epoch();
    }

    /** Opens a volume (and its NBD export); replaces one of the same name. */
    public Entry open(VolumeSettings s) throws IOException {
        close(s.volume().name());
        byte[] key = s.keyFile() == null ? null : Files.readAllBytes(s.keyFile());
        VolumeSettings.FencePath fp = s.fence();
        PeerFencer fencer = fp == null ? PeerFencer.NONE : new TcpPeerFencer(fp.peerAddress(), fp.peerPort(), key,
                s.volume().fenceAnswerLimit());
        MirrorVolume v = new MirrorVolume(key == null ? s.volume() : s.volume().withClusterKey(key), this, fencer);
        NbdServer nbd = null;
        FenceServer fence = null;
        IscsiServer iscsi = null;
        try {
            if (fp != null) {
                fence = new FenceServer(fp.localAddress(), fp.localPort(), key, Duration.ofSeconds(10),
                        v::outdateByPeer);
                if (s.fencing() != null && s.fencing().note().isPresent()) {
                    // resource-only over a shared path runs as resource-and-stonith (FencePathPolicy): say why
                    LOG.warn(s.fencing().note().get());
                } else if (fp.sharesReplicationNic() && s.volume().fencing() != Fencing.DONT_CARE) {
                    LOG.warn("Mirror volume {}: the fencing path uses the replication addresses (set "
                            + "fence.local.address and fence.peer.address to the cluster interface): a cut "
                            + "replication NIC then also hides the peer from fencing", s.volume().name());
                }
            }
            if (!s.nbdAddress().isEmpty()) {
                NbdServerConfig d = NbdServerConfig.loopback(s.nbdPort());
                nbd = new NbdServer(new NbdServerConfig(s.nbdAddress(), s.nbdPort(), d.maxConnections(),
                        d.workerThreads(), d.maxInFlightBytes(), d.handshakeTimeout(), d.limits()));
                nbd.addExport(s.volume().name(), "Duplex mirror volume " + s.volume().name(), v);
            }
            VolumeSettings.Iscsi is = s.iscsi();
            if (is != null) {
                IscsiServerConfig d = IscsiServerConfig.of(is.address(), is.port());
                iscsi = new IscsiServer(d);
                iscsi.addTarget(new IscsiTarget(is.iqn(), s.volume().name(), v, is.chap()));
                if (is.chap().isEmpty() && !InetAddress.getByName(is.address()).isLoopbackAddress()) {
                    LOG.warn("Mirror volume {}: iSCSI target {} on {}:{} accepts any initiator (no CHAP): set "
                            + "iscsi.chap.secret.file", s.volume().name(), is.iqn(), is.address(), is.port());
                }
            }
        } catch (IOException e) {
            if (iscsi != null) {
                iscsi.close();
            }
            if (nbd != null) {
                nbd.close();
            }
            if (fence != null) {
                fence.close();
            }
            v.close();
            throw e;
        }
        Entry e = new Entry(s, v, nbd, fence, iscsi);
        volumes.put(s.volume().name(), e);
        if (s.keyFile() == null && s.volume().replicated()) {
            LOG.warn("Mirror volume {}: replication frames are NOT authenticated (no cluster key file): run "
                    + "ha:keygen on one node and copy the key to the others", s.volume().name());
        }
        LOG.info("Mirror volume {} open ({} bytes on {}), NBD export {}", s.volume().name(), s.volume().size(),
                s.volume().backing(), nbd == null ? "disabled" : "nbd://" + s.nbdAddress() + ":" + nbd.port() + "/"
                        + s.volume().name());
        if (iscsi != null) {
            LOG.info("Mirror volume {}: iSCSI target {} on {}:{} (LUN 0, {}), served while this node is primary",
                    s.volume().name(), s.iscsi().iqn(), s.iscsi().address(), iscsi.port(),
                    s.iscsi().chap().map(c -> c.mutual() ? "mutual CHAP" : "CHAP").orElse("no authentication"));
        }
        return e;
    }

    public void close(String name) {
        Entry e = volumes.remove(name);
        if (e == null) {
            return;
        }
        if (e.iscsi() != null) {
            e.iscsi().close();
        }
        if (e.nbd() != null) {
            e.nbd().close();
        }
        if (e.fence() != null) {
            e.fence().close();
        }
        try {
            e.volume().close();
        } catch (IOException ex) {
            LOG.warn("Mirror volume {}: close failed: {}", name, ex.toString());
        }
    }

    public Optional<Entry> get(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    public Collection<Entry> all() {
        return volumes.values();
    }

    @Deactivate
    void deactivate() {
        closeListener();
        volumes.keySet().forEach(this::close);
    }
}
