package org.duplex.mirror.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.duplex.mirror.command.MirrorCommandsAccess;
import org.duplex.mirror.leg.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DS-free path of the resource agent and the commands: config parsing, promote with epoch, quorum loss. */
class MirrorAgentTest {
    @TempDir
    Path dir;

    static final class FakeCluster implements ClusterService {
        volatile QuorumState state;
        final CopyOnWriteArrayList<QuorumListener> listeners = new CopyOnWriteArrayList<>();

        FakeCluster(boolean quorate, long epoch) {
            state = state(quorate, epoch);
        }

        static QuorumState state(boolean quorate, long epoch) {
            NodeId me = NodeId.of("n1");
            return new QuorumState(me, quorate, quorate ? Optional.of(me) : Optional.empty(),
                    new FencingEpoch(epoch), Set.of(me), quorate ? 2 : 1, 2, "test");
        }

        void set(boolean quorate, long epoch) {
            QuorumState prev = state;
            state = state(quorate, epoch);
            listeners.forEach(l -> l.quorumChanged(prev, state));
        }

        @Override
        public QuorumState state() {
            return state;
        }

        @Override
        public AutoCloseable addListener(QuorumListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    Map<String, Object> config(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("size", "4M");
        p.put("backing.path", dir.resolve(name + ".img").toString());
        p.put("nbd.address", "");
        return p;
    }

    /** Issue 13: the peer's fence port defaulted to this node's local.port + 1, i.e. to this node itself. */
    @Test
    void thePeersFencePortDefaultsToThePeersReplicationPortPlusOne() {
        Map<String, Object> p = config("data");
        p.put("local.address", "10.0.0.1");
        p.put("local.port", "7789");
        p.put("peer.address", "10.0.0.2");
        p.put("peer.port", "7795");
        assertThat(VolumeSettings.parse(p, dir, dir).fence())
                .isEqualTo(new VolumeSettings.FencePath("10.0.0.1", 7790, "10.0.0.2", 7796, true));
        // the peer's own configuration is the mirror image: the two ends meet
        Map<String, Object> q = config("data");
        q.put("local.address", "10.0.0.2");
        q.put("local.port", "7795");
        q.put("peer.address", "10.0.0.1");
        q.put("peer.port", "7789");
        assertThat(VolumeSettings.parse(q, dir, dir).fence())
                .isEqualTo(new VolumeSettings.FencePath("10.0.0.2", 7796, "10.0.0.1", 7790, true));
        // an explicit fence.port is the same setting on both nodes; fence.peer.port still overrides it
        p.put("fence.port", "7900");
        assertThat(VolumeSettings.parse(p, dir, dir).fence().peerPort()).isEqualTo(7900);
        p.put("fence.peer.port", "7901");
        assertThat(VolumeSettings.parse(p, dir, dir).fence().peerPort()).isEqualTo(7901);
    }

    @Test
    void settingsParseWithDefaultsAndRejectNonsense() {
        Map<String, Object> p = config("data");
        p.put("peer.address", "127.0.0.1");
        p.put("resync.rate", "100M");
        p.put("split.brain.policy", "discard-zero-changes");
        VolumeSettings s = VolumeSettings.parse(p, dir, dir);
        assertThat(s.volume().size()).isEqualTo(4L << 20);
        assertThat(s.volume().resyncRate()).isEqualTo(100L << 20);
        assertThat(s.volume().peerPort()).isEqualTo(7789);
        assertThat(s.volume().metaDir()).isEqualTo(dir.resolve("mirror").resolve("data"));
        assertThat(s.keyFile()).isNull();
        assertThat(s.initialRole()).isEqualTo(Role.SECONDARY);
        // resource-only asked (the default), but the fencing path is the replication address: see SharedFencePathTest
        assertThat(s.volume().fencing()).isEqualTo(org.duplex.mirror.leg.Fencing.RESOURCE_AND_STONITH);
        assertThat(s.volume().fencingTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.fence()).isEqualTo(new VolumeSettings.FencePath("127.0.0.1", 7790, "127.0.0.1", 7790, true));
        p.put("fencing", "resource-and-stonith");
        p.put("fence.local.address", "10.1.0.1");
        p.put("fence.peer.address", "10.1.0.2");
        p.put("fence.port", "7800");
        VolumeSettings f = VolumeSettings.parse(p, dir, dir);
        assertThat(f.volume().fencing()).isEqualTo(org.duplex.mirror.leg.Fencing.RESOURCE_AND_STONITH);
        assertThat(f.fence()).isEqualTo(new VolumeSettings.FencePath("10.1.0.1", 7800, "10.1.0.2", 7800, false));
        p.put("fencing", "sometimes");
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("fencing")
                .hasMessageContaining("resource-only");
        p.put("fencing", "dont-care");
        p.put("fencing.timeout.ms", "0");
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("fencing.timeout.ms");
        assertThat(VolumeSettings.parse(config("solo"), dir, dir).fence()).isNull();
        Map<String, Object> bad = config("x y");
        assertThatThrownBy(() -> VolumeSettings.parse(bad, dir, dir)).hasMessageContaining("name");
        Map<String, Object> badSize = config("v");
        badSize.put("size", "lots");
        assertThatThrownBy(() -> VolumeSettings.parse(badSize, dir, dir)).hasMessageContaining("size");
    }

    @Test
    void agentPromotesWithTheClusterEpochAndMonitorsHealth() throws Exception {
        MirrorRegistry registry = new MirrorRegistry();
        FakeCluster cluster = new FakeCluster(true, 7);
        registry.bindCluster(cluster);
        try {
            registry.open(VolumeSettings.parse(config("data"), dir, dir));
            MirrorAgent agent = new MirrorAgent(registry);
            Resource r = Resource.of("mirror-data", "mirror", Map.of("volume", "data"));
            assertThat(agent.validate(r, Duration.ofSeconds(1))).isEmpty();
            assertThat(agent.validate(Resource.of("m", "mirror", Map.of("volume", "nope")), Duration.ofSeconds(1)))
                    .hasSize(1);
            assertThat(agent.monitor(r, Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.NOT_RUNNING);
            assertThat(agent.start(r, Duration.ofSeconds(5)).isSuccess()).isTrue();
            assertThat(agent.monitor(r, Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.SUCCESS);
            assertThat(MirrorCommandsAccess.status(registry, "data")).contains("role=PRIMARY");
            // quorum lost: writes stop at once and monitor reports the failure
            cluster.set(false, 7);
            assertThat(agent.monitor(r, Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.ERR_GENERIC);
            cluster.set(true, 8);
            assertThat(agent.start(r, Duration.ofSeconds(5)).isSuccess()).isTrue();
            assertThat(agent.monitor(r, Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.SUCCESS);
            assertThat(agent.stop(r, Duration.ofSeconds(5)).isSuccess()).isTrue();
            assertThat(agent.stop(r, Duration.ofSeconds(5)).isSuccess()).isTrue();
            assertThat(agent.monitor(r, Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        } finally {
            registry.deactivate();
        }
    }

    @Test
    void withoutAClusterServiceNothingCanBePromoted() throws Exception {
        MirrorRegistry registry = new MirrorRegistry();
        try {
            registry.open(VolumeSettings.parse(config("data"), dir, dir));
            MirrorAgent agent = new MirrorAgent(registry);
            Resource r = Resource.of("mirror-data", "mirror", Map.of("volume", "data"));
            assertThat(agent.start(r, Duration.ofSeconds(5)).reason()).contains("quorum");
        } finally {
            registry.deactivate();
        }
    }
}
