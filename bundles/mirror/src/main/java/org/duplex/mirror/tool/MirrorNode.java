package org.duplex.mirror.tool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.engine.MirrorVolume;
import org.duplex.mirror.engine.QuorumGate;
import org.duplex.mirror.engine.ReplicationMode;
import org.duplex.mirror.engine.VolumeConfig;
import org.duplex.mirror.nbd.NbdServer;
import org.duplex.mirror.nbd.NbdServerConfig;

/**
 * Runs one mirror leg and its NBD export outside Karaf, for the crash tests, the soak and the benchmark
 * scripts. Quorum is assumed (there is no cluster here): do not use it to run production volumes.
 *
 * <pre>
 * java -cp ... org.duplex.mirror.tool.MirrorNode --name vol --size 1073741824 --backing /tmp/a.img \
 *     --meta /tmp/a.meta [--listen 127.0.0.1:7789 --peer 127.0.0.1:7790] [--nbd 127.0.0.1:10809] \
 *     [--promote EPOCH] [--skip-initial-sync] [--async] [--resync-rate BYTES] [--key-file F] [--wait-sync [SECONDS]]
 *     [--peer-ack written|durable] [--peer-timeout-ms MS] [--fence-listen HOST:PORT] [--fence-peer HOST:PORT]
 *     [--al-extents N] [--iscsi HOST:PORT [--iqn IQN]]
 * </pre>
 * Prints {@code READY nbd=PORT replication=PORT [iscsi=PORT]} once serving.
 */
public final class MirrorNode {
    private MirrorNode() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + k);
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            o.put(k.substring(2), flag ? "true" : args[++i]);
        }
        VolumeConfig c = VolumeConfig.of(o.getOrDefault("name", "vol"), Long.parseLong(o.get("size")),
                Path.of(o.get("backing")), Path.of(o.get("meta")));
        if (o.containsKey("listen")) {
            String[] hp = o.get("listen").split(":");
            c = c.withListen(hp[0], Integer.parseInt(hp[1]));
        }
        if (o.containsKey("peer")) {
            String[] hp = o.get("peer").split(":");
            c = c.withPeer(hp[0], Integer.parseInt(hp[1]));
        }
        c = c.withSkipInitialSync(o.containsKey("skip-initial-sync"));
        if (o.containsKey("async")) {
            c = c.withMode(ReplicationMode.ASYNC);
        }
        if (o.containsKey("peer-ack")) {
            c = c.withPeerAck(org.duplex.mirror.engine.PeerAck.parse(o.get("peer-ack")));
        }
        if (o.containsKey("resync-rate")) {
            c = c.withResyncRate(Long.parseLong(o.get("resync-rate")));
        }
        if (o.containsKey("key-file")) {
            c = c.withClusterKey(Files.readAllBytes(Path.of(o.get("key-file"))));
        }
        if (o.containsKey("al-extents")) {
            c = c.withActivityLogExtents(Integer.parseInt(o.get("al-extents")));
        }
        if (o.containsKey("peer-timeout-ms")) {
            c = c.withPeerTimeout(Duration.ofMillis(Long.parseLong(o.get("peer-timeout-ms"))));
        }
        org.duplex.mirror.engine.PeerFencer fencer = org.duplex.mirror.engine.PeerFencer.NONE;
        if (o.containsKey("fence-peer")) {
            // outdates the peer over its fencing server, as the bundle's registry does
            String[] hp = o.get("fence-peer").split(":");
            fencer = new org.duplex.mirror.fence.TcpPeerFencer(hp[0], Integer.parseInt(hp[1]), c.clusterKey(),
                    c.fenceAnswerLimit());
        }
        MirrorVolume v = new MirrorVolume(c, QuorumGate.standalone(), fencer);
        org.duplex.mirror.fence.FenceServer fence = null;
        if (o.containsKey("fence-listen")) {
            // answers the peer primary's outdate requests, as the bundle's registry does
            String[] hp = o.get("fence-listen").split(":");
            fence = new org.duplex.mirror.fence.FenceServer(hp[0], Integer.parseInt(hp[1]), c.clusterKey(),
                    Duration.ofSeconds(10), v::outdateByPeer);
        }
        Duration syncWait = Duration.ofSeconds("true".equals(o.getOrDefault("wait-sync", "true")) ? 600
                : Long.parseLong(o.get("wait-sync")));
        if (o.containsKey("wait-sync") && c.replicated()) {
            // a fresh volume is only "in sync" after the first primary's full sync: wait for the peer only
            boolean ready = o.containsKey("promote") ? v.awaitConnected(syncWait) : v.awaitInSync(syncWait);
            if (!ready) {
                System.err.println("peer not in sync after 600 s: " + v.status().render());
                System.exit(2);
            }
        }
        if (o.containsKey("promote")) {
            v.promote(new FencingEpoch(Long.parseLong(o.get("promote"))));
            if (o.containsKey("wait-sync") && c.replicated() && !v.awaitInSync(syncWait)) {
                System.err.println("initial sync did not finish: " + v.status().render());
                System.exit(2);
            }
        }
        NbdServer server = null;
        if (o.containsKey("nbd")) {
            String[] hp = o.get("nbd").split(":");
            NbdServerConfig d = NbdServerConfig.loopback(Integer.parseInt(hp[1]));
            server = new NbdServer(new NbdServerConfig(hp[0], d.port(), d.maxConnections(), d.workerThreads(),
                    d.maxInFlightBytes(), d.handshakeTimeout(), d.limits()));
            server.addExport(c.name(), "Duplex mirror volume " + c.name(), v);
        }
        org.duplex.mirror.iscsi.IscsiServer iscsi = null;
        if (o.containsKey("iscsi")) {
            String[] hp = o.get("iscsi").split(":");
            iscsi = new org.duplex.mirror.iscsi.IscsiServer(org.duplex.mirror.iscsi.IscsiServerConfig.of(hp[0],
                    Integer.parseInt(hp[1])));
            iscsi.addTarget(new org.duplex.mirror.iscsi.IscsiTarget(o.getOrDefault("iqn",
                    org.duplex.mirror.component.VolumeSettings.defaultIqn(c.name())), c.name(), v,
                    java.util.Optional.empty()));
        }
        System.out.println("READY nbd=" + (server == null ? -1 : server.port()) + " replication="
                + v.listenPort() + (iscsi == null ? "" : " iscsi=" + iscsi.port()));
        System.out.flush();
        NbdServer s = server;
        org.duplex.mirror.iscsi.IscsiServer is = iscsi;
        org.duplex.mirror.fence.FenceServer fs = fence;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (s != null) {
                s.close();
            }
            if (is != null) {
                is.close();
            }
            if (fs != null) {
                try {
                    fs.close();
                } catch (Exception e) {
                    System.err.println("fence server close failed: " + e);
                }
            }
            try {
                v.close();
            } catch (Exception e) {
                System.err.println("close failed: " + e);
            }
        }));
        Thread.sleep(Long.MAX_VALUE);
    }
}
